#include "cli/completion.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <vector>

#include "core/error.hpp"

namespace claimkit::cli {
namespace {

// The three generators share one model of the command line, read once from
// CLI11, so the shells can only differ in syntax, never in what they offer.

enum class value_kind { none, text, file, dir, choice };

struct value_spec {
  value_kind kind = value_kind::none;
  std::string label;  // the type name, e.g. "FILE" (zsh shows it while completing)
  std::vector<std::string> choices;
};

struct option_spec {
  std::vector<std::string> shorts;  // without the dash
  std::vector<std::string> longs;   // without the dashes
  std::string description;
  value_spec value;
  bool repeatable = false;
  bool ends_run = false;  // --help, --version: nothing else is read after them
};

struct positional_spec {
  std::string label;
  value_spec value;
  bool many = false;
};

struct command_spec {
  std::string name;
  std::vector<std::string> aliases;
  std::string description;
  std::string path;  // "" for the tool itself, then "sub", "sub/subsub"
  std::vector<option_spec> options;
  std::vector<positional_spec> positionals;
  std::vector<command_spec> subcommands;
};

std::string first_line(const std::string& text) {
  std::string s = text.substr(0, text.find('\n'));
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  return s;
}

// CLI11 reports an option's type as "TYPE:validator:validator"; IsMember
// renders as "{a,b,c}", so colons and commas inside braces are not separators.
std::vector<std::string> split_outside_braces(std::string_view s, char sep) {
  std::vector<std::string> parts;
  std::string cur;
  int depth = 0;
  for (char c : s) {
    if (c == '{') ++depth;
    if (c == '}' && depth > 0) --depth;
    if (c == sep && depth == 0) {
      parts.push_back(cur);
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  parts.push_back(cur);
  return parts;
}

std::string trim(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  std::size_t i = 0;
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  return s.substr(i);
}

// "FILE...", "PATH(existing)" -> "FILE", "PATH"
std::string type_word(const std::string& part) {
  std::string w = part.substr(0, part.find('('));
  while (!w.empty() && w.back() == '.') w.pop_back();
  return trim(w);
}

value_spec read_value(const CLI::Option& opt) {
  value_spec v;
  const auto parts = split_outside_braces(opt.get_type_name(), ':');
  v.label = type_word(parts.front());
  if (v.label.empty()) v.label = "VALUE";
  v.kind = value_kind::text;
  bool file = false;
  bool dir = false;
  for (const auto& raw : parts) {
    const std::string part = trim(raw);
    if (part.size() >= 2 && part.front() == '{' && part.back() == '}') {
      for (auto item : split_outside_braces(std::string_view(part).substr(1, part.size() - 2), ',')) {
        // Transformers render "{key->value}"; the user types the key.
        item = trim(item.substr(0, item.find("->")));
        if (!item.empty()) v.choices.push_back(item);
      }
      continue;
    }
    const std::string w = type_word(part);
    if (w == "FILE" || w == "FILES" || w == "PATH") file = true;
    if (w == "DIR" || w == "DIRECTORY") dir = true;
  }
  if (!v.choices.empty()) {
    v.kind = value_kind::choice;
  } else if (file) {
    v.kind = value_kind::file;
  } else if (dir) {
    v.kind = value_kind::dir;
  }
  return v;
}

bool takes_value(const CLI::Option& opt) { return opt.get_items_expected_min() > 0; }

bool same_names(const option_spec& a, const option_spec& b) { return a.longs == b.longs && a.shorts == b.shorts; }

void add_options(const CLI::App& app, command_spec& cmd) {
  for (const CLI::Option* opt : app.get_options([](const CLI::Option*) { return true; })) {
    if (opt->get_group().empty()) continue;  // hidden
    if (opt->get_positional()) {
      positional_spec p;
      p.value = read_value(*opt);
      p.label = opt->get_name(true);
      p.many = opt->get_expected_max() > 1;
      cmd.positionals.push_back(std::move(p));
    }
    if (!opt->nonpositional()) continue;
    option_spec o;
    o.shorts = opt->get_snames();
    o.longs = opt->get_lnames();
    o.description = first_line(opt->get_description());
    if (takes_value(*opt)) o.value = read_value(*opt);
    const auto policy = opt->get_multi_option_policy();
    o.repeatable = opt->get_expected_max() > 1 || policy == CLI::MultiOptionPolicy::TakeAll ||
                   policy == CLI::MultiOptionPolicy::Join;
    o.ends_run = opt == app.get_help_ptr() || opt == app.get_help_all_ptr() || opt == app.get_version_ptr();
    // Option groups repeat their parent's help flag; keep the first.
    const bool dup =
        std::any_of(cmd.options.begin(), cmd.options.end(), [&](const option_spec& x) { return same_names(x, o); });
    if (!dup) cmd.options.push_back(std::move(o));
  }
}

void read_command(const CLI::App& app, command_spec& cmd) {
  add_options(app, cmd);
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    if (sub->get_name().empty()) {
      // An option group: its options belong to this command.
      if (!sub->get_group().empty()) read_command(*sub, cmd);
      continue;
    }
    if (sub->get_group().empty()) continue;  // hidden subcommand
    command_spec s;
    s.name = sub->get_name();
    s.aliases = sub->get_aliases();
    s.description = first_line(sub->get_description());
    s.path = cmd.path.empty() ? s.name : cmd.path + "/" + s.name;
    read_command(*sub, s);
    cmd.subcommands.push_back(std::move(s));
  }
}

std::vector<std::string> dashed(const option_spec& o) {
  std::vector<std::string> names;
  for (const auto& s : o.shorts) names.push_back("-" + s);
  for (const auto& l : o.longs) names.push_back("--" + l);
  return names;
}

std::string join(const std::vector<std::string>& v, std::string_view sep) {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i > 0) out.append(sep);
    out.append(v[i]);
  }
  return out;
}

std::string identifier(std::string_view s) {
  std::string out;
  for (char c : s) out.push_back(std::isalnum(static_cast<unsigned char>(c)) ? c : '_');
  return out;
}

// Single-quoted shell word (bash, zsh): only ' itself needs care.
std::string sh_quote(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out.append("'\\''");
    } else {
      out.push_back(c);
    }
  }
  out.push_back('\'');
  return out;
}

// A word for a compgen -W list: compgen splits and expands the list again,
// so anything but plain characters is backslash-quoted.
std::string compgen_word(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) &&
        std::string_view("-_.,:+@%/=").find(c) == std::string_view::npos) {
      out.push_back('\\');
    }
    out.push_back(c);
  }
  return out;
}

bool has_file_positional(const command_spec& cmd) {
  return std::any_of(cmd.positionals.begin(), cmd.positionals.end(),
                     [](const positional_spec& p) { return p.value.kind == value_kind::file; });
}

bool has_dir_positional(const command_spec& cmd) {
  return std::any_of(cmd.positionals.begin(), cmd.positionals.end(),
                     [](const positional_spec& p) { return p.value.kind == value_kind::dir; });
}

std::vector<std::string> positional_choices(const command_spec& cmd) {
  std::vector<std::string> out;
  for (const auto& p : cmd.positionals) {
    if (p.value.kind == value_kind::choice) out.insert(out.end(), p.value.choices.begin(), p.value.choices.end());
  }
  return out;
}

template <typename F>
void for_each_command(const command_spec& cmd, const F& f) {
  f(cmd);
  for (const auto& s : cmd.subcommands) for_each_command(s, f);
}

// ---------------------------------------------------------------- bash

std::string bash_word_list(const std::vector<std::string>& words) {
  std::vector<std::string> q;
  for (const auto& w : words) q.push_back(compgen_word(w));
  return sh_quote(join(q, " "));
}

std::string bash_script(const command_spec& root) {
  const std::string fn = "_claimkit_" + identifier(root.name);
  std::string out;
  out += fmt::format("# bash completion for {}\n", root.name);
  out += fmt::format("# Generated from the option definitions by `CLAIMKIT_COMPLETION=bash {}`; do not edit.\n\n",
                     root.name);
  out += fmt::format(
      "{0}_add() {{\n"
      "    mapfile -t -O \"${{#COMPREPLY[@]}}\" COMPREPLY < <(compgen \"$@\" -- \"$cur\")\n"
      "}}\n\n",
      fn);
  out += fn + "() {\n";
  out += "    local cur=${COMP_WORDS[COMP_CWORD]} prev=\"\" cmd=\"\" skip=0 i w\n";
  out += "    COMPREPLY=()\n";
  out += "    ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD-1]}\n";
  out += "    # readline splits --opt=value at the =\n";
  out += "    if [[ $cur == = ]]; then\n        cur=\"\"\n";
  out +=
      "    elif [[ $prev == = ]] && ((COMP_CWORD > 1)); then\n        prev=${COMP_WORDS[COMP_CWORD-2]}\n    "
      "fi\n";

  // Walk the words before the cursor to find which subcommand we are in,
  // stepping over option values so a value never counts as a subcommand.
  if (!root.subcommands.empty()) {
    out += "    for ((i = 1; i < COMP_CWORD; i++)); do\n";
    out += "        w=${COMP_WORDS[i]}\n";
    out += "        if [[ $w == = ]]; then skip=1; continue; fi\n";
    out += "        if ((skip)); then skip=0; continue; fi\n";
    out += "        case $cmd in\n";
    for_each_command(root, [&](const command_spec& cmd) {
      std::vector<std::string> valued;
      for (const auto& o : cmd.options) {
        if (o.value.kind != value_kind::none)
          for (const auto& n : dashed(o)) valued.push_back(n);
      }
      if (valued.empty() && cmd.subcommands.empty()) return;
      out += fmt::format("        {})\n            case $w in\n", sh_quote(cmd.path));
      if (!valued.empty()) out += fmt::format("            {}) skip=1 ;;\n", join(valued, "|"));
      for (const auto& s : cmd.subcommands) {
        std::vector<std::string> names{s.name};
        names.insert(names.end(), s.aliases.begin(), s.aliases.end());
        out += fmt::format("            {}) cmd={} ;;\n", join(names, "|"), sh_quote(s.path));
      }
      out += "            esac ;;\n";
    });
    out += "        esac\n    done\n";
  }
  out += "\n";

  out += "    case $cmd in\n";
  for_each_command(root, [&](const command_spec& cmd) {
    out += fmt::format("    {})\n", sh_quote(cmd.path));
    std::string value_cases;
    for (const auto& o : cmd.options) {
      if (o.value.kind == value_kind::none) continue;
      value_cases += fmt::format("        {})\n", join(dashed(o), "|"));
      // A value is wanted: whatever is offered here (maybe nothing) is the answer.
      switch (o.value.kind) {
        case value_kind::file:
          value_cases += fmt::format("            compopt -o filenames 2>/dev/null; {}_add -f; return ;;\n", fn);
          break;
        case value_kind::dir:
          value_cases += fmt::format("            compopt -o filenames 2>/dev/null; {}_add -d; return ;;\n", fn);
          break;
        case value_kind::choice:
          value_cases += fmt::format("            {}_add -W {}; return ;;\n", fn, bash_word_list(o.value.choices));
          break;
        default: value_cases += "            return ;;\n"; break;
      }
    }
    if (!value_cases.empty()) out += "        case $prev in\n" + value_cases + "        esac\n";
    std::vector<std::string> names;
    for (const auto& o : cmd.options)
      for (const auto& n : dashed(o)) names.push_back(n);
    out += "        if [[ $cur == -* ]]; then\n";
    out += fmt::format("            {}_add -W {}\n", fn, bash_word_list(names));
    out += "            return\n        fi\n";
    std::vector<std::string> subs;
    for (const auto& s : cmd.subcommands) {
      subs.push_back(s.name);
      subs.insert(subs.end(), s.aliases.begin(), s.aliases.end());
    }
    const auto choices = positional_choices(cmd);
    subs.insert(subs.end(), choices.begin(), choices.end());
    if (!subs.empty()) out += fmt::format("        {}_add -W {}\n", fn, bash_word_list(subs));
    if (has_file_positional(cmd)) {
      out += fmt::format("        compopt -o filenames 2>/dev/null; {}_add -f\n", fn);
    } else if (has_dir_positional(cmd)) {
      out += fmt::format("        compopt -o filenames 2>/dev/null; {}_add -d\n", fn);
    }
    out += "        ;;\n";
  });
  out += "    esac\n}\n\n";
  out += fmt::format("complete -F {} {}\n", fn, root.name);
  return out;
}

// ---------------------------------------------------------------- zsh

// A name or value label in an _arguments spec or a _describe entry: zsh
// strips the backslash it puts before a colon.
std::string zsh_text(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '\\' || c == ':') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

// An option's [description]: zsh ends it at the first unescaped ']' but shows
// any backslash it contains, so brackets become parentheses instead.
std::string zsh_description(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '[') {
      out.push_back('(');
    } else if (c == ']') {
      out.push_back(')');
    } else {
      if (c == '\\') out.push_back('\\');
      out.push_back(c);
    }
  }
  return out;
}

std::string zsh_action(const value_spec& v) {
  switch (v.kind) {
    case value_kind::file: return "_files";
    case value_kind::dir: return "_files -/";
    case value_kind::choice: {
      std::vector<std::string> q;
      for (const auto& c : v.choices) {
        std::string e;
        for (char ch : c) {
          if (!std::isalnum(static_cast<unsigned char>(ch)) &&
              std::string_view("-_.,+@%/=").find(ch) == std::string_view::npos) {
            e.push_back('\\');
          }
          e.push_back(ch);
        }
        q.push_back(e);
      }
      return "(" + join(q, " ") + ")";
    }
    default: return " ";
  }
}

// One _arguments spec (possibly a brace expansion covering all names).
std::string zsh_option(const option_spec& o) {
  std::vector<std::string> names;
  const bool value = o.value.kind != value_kind::none;
  for (const auto& s : o.shorts) names.push_back("-" + s + (value ? "+" : ""));
  for (const auto& l : o.longs) names.push_back("--" + l + (value ? "=" : ""));
  std::string prefix;
  if (o.ends_run) {
    prefix = "(- *)";
  } else if (o.repeatable) {
    prefix = "*";
  } else if (names.size() > 1) {
    prefix = "(" + join(dashed(o), " ") + ")";
  }
  std::string tail = "[" + zsh_description(o.description) + "]";
  if (value) tail += ":" + zsh_text(o.value.label) + ":" + zsh_action(o.value);
  if (names.size() == 1) return sh_quote(prefix + names.front() + tail);
  std::string out = prefix.empty() ? "" : sh_quote(prefix);
  out += "{" + join(names, ",") + "}";
  return out + sh_quote(tail);
}

std::string zsh_positional(const positional_spec& p, std::size_t index) {
  const std::string head = p.many ? "*" : std::to_string(index);
  return sh_quote(head + ":" + zsh_text(p.label) + ":" + zsh_action(p.value));
}

void zsh_function(const command_spec& root, const command_spec& cmd, std::string& out) {
  for (const auto& s : cmd.subcommands) zsh_function(root, s, out);
  const std::string fn = "_claimkit_" + identifier(root.name) + (cmd.path.empty() ? "" : "_" + identifier(cmd.path));
  std::vector<std::string> specs;
  for (const auto& o : cmd.options) specs.push_back(zsh_option(o));
  const bool subs = !cmd.subcommands.empty();
  if (subs) {
    specs.push_back(sh_quote(": :->command"));
    specs.push_back(sh_quote("*:: :->args"));
  } else {
    for (std::size_t i = 0; i < cmd.positionals.size(); ++i) specs.push_back(zsh_positional(cmd.positionals[i], i + 1));
  }
  out += fn + "() {\n";
  if (subs) out += "    local curcontext=$curcontext state line ret=1\n    typeset -A opt_args\n";
  out += std::string("    _arguments ") + (subs ? "-C " : "") + "-s -S";
  for (const auto& s : specs) out += " \\\n        " + s;
  if (!subs) {
    out += "\n}\n\n";
    return;
  }
  out += " && ret=0\n";
  out += "    case $state in\n    command)\n        local -a commands\n        commands=(\n";
  for (const auto& s : cmd.subcommands) {
    std::vector<std::string> names{s.name};
    names.insert(names.end(), s.aliases.begin(), s.aliases.end());
    for (const auto& n : names) out += "            " + sh_quote(zsh_text(n) + ":" + s.description) + "\n";
  }
  const std::string title = cmd.path.empty() ? root.name : root.name + " " + cmd.name;
  out += "        )\n";
  out += fmt::format("        _describe -t commands {} commands && ret=0\n", sh_quote(title + " command"));
  if (has_file_positional(cmd)) out += "        _files && ret=0\n";
  out += "        ;;\n    args)\n        case $words[1] in\n";
  for (const auto& s : cmd.subcommands) {
    std::vector<std::string> names{s.name};
    names.insert(names.end(), s.aliases.begin(), s.aliases.end());
    out += fmt::format("        {}) {}_{} && ret=0 ;;\n", join(names, "|"), "_claimkit_" + identifier(root.name),
                       identifier(s.path));
  }
  if (has_file_positional(cmd)) out += "        *) _files && ret=0 ;;\n";
  out += "        esac\n        ;;\n    esac\n    return ret\n}\n\n";
}

std::string zsh_script(const command_spec& root) {
  std::string out = fmt::format("#compdef {}\n", root.name);
  out += fmt::format("# zsh completion for {}\n", root.name);
  out += fmt::format("# Generated from the option definitions by `CLAIMKIT_COMPLETION=zsh {}`; do not edit.\n\n",
                     root.name);
  zsh_function(root, root, out);
  out += fmt::format("_claimkit_{} \"$@\"\n", identifier(root.name));
  return out;
}

// ---------------------------------------------------------------- fish

std::string fish_quote(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('\'');
  return out;
}

// fish expands and splits the argument of `complete -a` again, like a command
// line: each choice is escaped for that before the whole is quoted.
std::string fish_choices(const std::vector<std::string>& choices) {
  std::vector<std::string> q;
  for (const auto& c : choices) {
    std::string e;
    for (char ch : c) {
      if (!std::isalnum(static_cast<unsigned char>(ch)) &&
          std::string_view("-_.,:+@%/=").find(ch) == std::string_view::npos) {
        e.push_back('\\');
      }
      e.push_back(ch);
    }
    q.push_back(e);
  }
  return fish_quote(join(q, " "));
}

std::string fish_words(const std::vector<std::string>& words) {
  std::vector<std::string> q;
  for (const auto& w : words) q.push_back(fish_quote(w));
  return join(q, " ");
}

std::string fish_script(const command_spec& root) {
  const std::string tool = root.name;
  const std::string fn = "__claimkit_" + identifier(root.name);
  const bool nested = !root.subcommands.empty();
  std::string out = fmt::format("# fish completion for {}\n", tool);
  out +=
      fmt::format("# Generated from the option definitions by `CLAIMKIT_COMPLETION=fish {}`; do not edit.\n\n", tool);
  if (nested) {
    // Which subcommand the words before the cursor select, stepping over
    // option values (the stock __fish_seen_subcommand_from cannot).
    out += fmt::format("function {}_path\n", fn);
    out += "    set -l cmd ''\n    set -l skip 0\n";
    out += "    set -l words (commandline -opc)\n    set -e words[1]\n    for w in $words\n";
    out += "        if test $skip = 1\n            set skip 0\n            continue\n        end\n";
    out += "        switch \"$cmd\"\n";
    for_each_command(root, [&](const command_spec& cmd) {
      std::vector<std::string> valued;
      for (const auto& o : cmd.options) {
        if (o.value.kind != value_kind::none)
          for (const auto& n : dashed(o)) valued.push_back(n);
      }
      if (valued.empty() && cmd.subcommands.empty()) return;
      out += fmt::format("            case {}\n                switch \"$w\"\n", fish_quote(cmd.path));
      if (!valued.empty())
        out += fmt::format("                    case {}\n                        set skip 1\n", fish_words(valued));
      for (const auto& s : cmd.subcommands) {
        std::vector<std::string> names{s.name};
        names.insert(names.end(), s.aliases.begin(), s.aliases.end());
        out += fmt::format("                    case {}\n                        set cmd {}\n", fish_words(names),
                           fish_quote(s.path));
      }
      out += "                end\n";
    });
    out += "        end\n    end\n    echo $cmd\nend\n\n";
    out += fmt::format("function {}_at\n    set -l p ({}_path)\n    test \"$p\" = \"$argv[1]\"\nend\n\n", fn, fn);
  }
  for_each_command(root, [&](const command_spec& cmd) {
    const std::string cond = nested ? fmt::format(" -n {}", fish_quote(fn + "_at \"" + cmd.path + "\"")) : "";
    if (!has_file_positional(cmd)) out += fmt::format("complete -c {}{} -f\n", tool, cond);
    for (const auto& o : cmd.options) {
      std::string line = fmt::format("complete -c {}{}", tool, cond);
      for (const auto& s : o.shorts) line += " -s " + s;
      for (const auto& l : o.longs) line += " -l " + l;
      switch (o.value.kind) {
        case value_kind::none: break;
        case value_kind::file: line += " -r -F"; break;
        case value_kind::dir: line += " -x -a '(__fish_complete_directories)'"; break;
        case value_kind::choice: line += " -x -a " + fish_choices(o.value.choices); break;
        case value_kind::text: line += " -x"; break;
      }
      if (!o.description.empty()) line += " -d " + fish_quote(o.description);
      out += line + "\n";
    }
    for (const auto& s : cmd.subcommands) {
      std::vector<std::string> names{s.name};
      names.insert(names.end(), s.aliases.begin(), s.aliases.end());
      for (const auto& n : names) {
        // No -f here: it would also stop file names where the command takes them.
        std::string line = fmt::format("complete -c {}{} -a {}", tool, cond, fish_quote(n));
        if (!s.description.empty()) line += " -d " + fish_quote(s.description);
        out += line + "\n";
      }
    }
    const auto choices = positional_choices(cmd);
    if (!choices.empty()) out += fmt::format("complete -c {}{} -f -a {}\n", tool, cond, fish_choices(choices));
    if (has_dir_positional(cmd) && !has_file_positional(cmd)) {
      out += fmt::format("complete -c {}{} -f -a '(__fish_complete_directories)'\n", tool, cond);
    }
  });
  return out;
}

}  // namespace

std::string generate_completion(const CLI::App& app, std::string_view shell) {
  command_spec root;
  root.name = app.get_name();
  root.description = first_line(app.get_description());
  read_command(app, root);
  if (shell == "bash") return bash_script(root);
  if (shell == "zsh") return zsh_script(root);
  if (shell == "fish") return fish_script(root);
  throw error(exit_code::usage, fmt::format("unknown completion shell '{}' (want bash, zsh or fish)", shell));
}

}  // namespace claimkit::cli
