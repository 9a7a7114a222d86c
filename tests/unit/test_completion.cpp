#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "cli/completion.hpp"
#include "cli/tool.hpp"
#include "core/error.hpp"

namespace {

using claimkit::cli::generate_completion;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// A small tool with every kind of option the generators distinguish.
struct sample_tool {
  std::vector<std::string> files;
  std::string errors, format, label, outdir, endpoint, secret;
  std::vector<std::string> tags;
  bool quiet = false, dry = false;
  std::unique_ptr<CLI::App> app = std::make_unique<CLI::App>("Reads sample records", "sample-tool");

  sample_tool() {
    app->set_version_flag("--version", "1");
    app->add_option("FILE", files, "Input files")->type_name("FILE...");
    app->add_option("--errors", errors, "Rejects go to FILE")->type_name("FILE");
    app->add_option("-f,--format", format, "Output format")->check(CLI::IsMember({"ndjson", "csv", "table"}));
    app->add_option("--label", label, "A free-text label: [shown] as is");
    app->add_option("--tag", tags, "May be given many times");
    app->add_option("--out-dir", outdir, "Where to write")->check(CLI::ExistingDirectory);
    app->add_flag("-q,--quiet", quiet, "Say nothing");
    app->add_option("--secret-switch", secret, "Not for users")->group("");
    auto* submit = app->add_subcommand("submit", "Send the claims to the service");
    submit->alias("send");
    submit->add_option("--endpoint", endpoint, "Service URL");
    submit->add_flag("--dry-run", dry, "Only show what would be sent");
    auto* hidden = app->add_subcommand("debug-dump", "Internal");
    hidden->group("");
  }
};

}  // namespace

TEST_CASE("completion: an unknown shell is a usage error") {
  sample_tool t;
  try {
    (void)generate_completion(*t.app, "tcsh");
    FAIL("expected an error");
  } catch (const claimkit::error& e) {
    CHECK(e.code() == claimkit::cli::exit_code::usage);
    CHECK(std::string(e.what()) == "unknown completion shell 'tcsh' (want bash, zsh or fish)");
  }
}

TEST_CASE("completion: bash") {
  sample_tool t;
  const std::string s = generate_completion(*t.app, "bash");
  CHECK(contains(s, "complete -F _claimkit_sample_tool sample-tool\n"));
  // Every visible option of the tool, none of the hidden one.
  CHECK(contains(s,
                 "_claimkit_sample_tool_add -W '-h --help --version --errors -f --format --label --tag "
                 "--out-dir -q --quiet'\n"));
  CHECK_FALSE(contains(s, "secret-switch"));
  CHECK_FALSE(contains(s, "debug-dump"));
  // Values: file names, directories, fixed choices, nothing for free text.
  CHECK(contains(s,
                 "        --errors)\n            compopt -o filenames 2>/dev/null; _claimkit_sample_tool_add "
                 "-f; return ;;\n"));
  CHECK(contains(s,
                 "        --out-dir)\n            compopt -o filenames 2>/dev/null; "
                 "_claimkit_sample_tool_add -d; return ;;\n"));
  CHECK(contains(s, "        -f|--format)\n            _claimkit_sample_tool_add -W 'ndjson csv table'; return ;;\n"));
  CHECK(contains(s, "        --label)\n            return ;;\n"));
  // Subcommands and their aliases are offered, with the positional files.
  CHECK(contains(s,
                 "        _claimkit_sample_tool_add -W 'submit send'\n"
                 "        compopt -o filenames 2>/dev/null; _claimkit_sample_tool_add -f\n"));
  // Walking the words: option values are stepped over, then the subcommand is found.
  CHECK(contains(s,
                 "            --errors|-f|--format|--label|--tag|--out-dir) skip=1 ;;\n"
                 "            submit|send) cmd='submit' ;;\n"));
  // The subcommand's own options, including its help flag.
  CHECK(contains(s, "    'submit')\n        case $prev in\n        --endpoint)\n            return ;;\n"));
  CHECK(contains(s, "_claimkit_sample_tool_add -W '-h --help --endpoint --dry-run'\n"));
}

TEST_CASE("completion: zsh") {
  sample_tool t;
  const std::string s = generate_completion(*t.app, "zsh");
  CHECK(s.rfind("#compdef sample-tool\n", 0) == 0);
  CHECK(contains(s, "'(- *)'{-h,--help}'[Print this help message and exit]'"));
  CHECK(contains(s, "'(- *)--version[Display program version information and exit]'"));
  CHECK(contains(s, "'--errors=[Rejects go to FILE]:FILE:_files'"));
  CHECK(contains(s, "'(-f --format)'{-f+,--format=}'[Output format]:TEXT:(ndjson csv table)'"));
  // Brackets would end the description early.
  CHECK(contains(s, "'--label=[A free-text label: (shown) as is]:TEXT: '"));
  CHECK(contains(s, "'*--tag=[May be given many times]:TEXT: '"));
  CHECK(contains(s, "'--out-dir=[Where to write]:TEXT:_files -/'"));
  CHECK(contains(s, "'(-q --quiet)'{-q,--quiet}'[Say nothing]'"));
  CHECK_FALSE(contains(s, "secret-switch"));
  CHECK_FALSE(contains(s, "debug-dump"));
  // Subcommand dispatch.
  CHECK(contains(s,
                 "            'submit:Send the claims to the service'\n"
                 "            'send:Send the claims to the service'\n"));
  CHECK(contains(s, "        submit|send) _claimkit_sample_tool_submit && ret=0 ;;\n"));
  CHECK(contains(s, "_claimkit_sample_tool_submit() {\n    _arguments -s -S \\\n"));
  CHECK(contains(s, "'--dry-run[Only show what would be sent]'"));
  CHECK(contains(s, "\n_claimkit_sample_tool \"$@\"\n"));
}

TEST_CASE("completion: fish") {
  sample_tool t;
  const std::string s = generate_completion(*t.app, "fish");
  const std::string top = "complete -c sample-tool -n '__claimkit_sample_tool_at \"\"'";
  CHECK(contains(s, top + " -s h -l help -d 'Print this help message and exit'\n"));
  CHECK(contains(s, top + " -l errors -r -F -d 'Rejects go to FILE'\n"));
  CHECK(contains(s, top + " -s f -l format -x -a 'ndjson csv table' -d 'Output format'\n"));
  CHECK(contains(s, top + " -l label -x -d 'A free-text label: [shown] as is'\n"));
  CHECK(contains(s, top + " -l out-dir -x -a '(__fish_complete_directories)' -d 'Where to write'\n"));
  CHECK(contains(s, top + " -s q -l quiet -d 'Say nothing'\n"));
  CHECK(contains(s, top + " -a 'submit' -d 'Send the claims to the service'\n"));
  CHECK(contains(s, top + " -a 'send' -d 'Send the claims to the service'\n"));
  CHECK_FALSE(contains(s, top + " -f\n"));  // the tool itself reads files
  // The subcommand path steps over option values.
  CHECK(contains(s,
                 "                    case '--errors' '-f' '--format' '--label' '--tag' '--out-dir'\n"
                 "                        set skip 1\n"
                 "                    case 'submit' 'send'\n"
                 "                        set cmd 'submit'\n"));
  const std::string sub = "complete -c sample-tool -n '__claimkit_sample_tool_at \"submit\"'";
  CHECK(contains(s, sub + " -f\n"));  // submit takes no files
  CHECK(contains(s, sub + " -l endpoint -x -d 'Service URL'\n"));
  CHECK(contains(s, sub + " -l dry-run -d 'Only show what would be sent'\n"));
  CHECK_FALSE(contains(s, "secret-switch"));
  CHECK_FALSE(contains(s, "debug-dump"));
}

TEST_CASE("completion: a tool without subcommands gets plain fish lines") {
  CLI::App app("Plain", "plain");
  std::string in;
  app.add_option("--in", in, "Input")->check(CLI::ExistingFile);
  const std::string s = generate_completion(app, "fish");
  CHECK(contains(s, "complete -c plain -f\n"));
  CHECK(contains(s, "complete -c plain -l in -r -F -d 'Input'\n"));
  CHECK_FALSE(contains(s, "function"));
}

TEST_CASE("completion: options in an option group belong to the command") {
  CLI::App app("Grouped", "grouped");
  std::string a;
  auto* g = app.add_option_group("Selection");
  g->add_option("--only", a, "Only these");
  const std::string s = generate_completion(app, "bash");
  CHECK(contains(s, "_claimkit_grouped_add -W '-h --help --only'\n"));
}

TEST_CASE("completion: nested subcommands get their own path in every shell") {
  CLI::App app("Nested", "nest");
  std::string v;
  auto* remote = app.add_subcommand("remote", "Remote things");
  auto* add = remote->add_subcommand("add", "Add a remote");
  add->add_option("--name", v, "Remote name")->check(CLI::IsMember({"origin", "backup"}));
  add->add_option("URL", v, "Where")->type_name("PATH");

  const std::string bash = generate_completion(app, "bash");
  CHECK(contains(bash, "        'remote')\n            case $w in\n            add) cmd='remote/add' ;;\n"));
  CHECK(contains(bash,
                 "    'remote/add')\n        case $prev in\n        --name)\n"
                 "            _claimkit_nest_add -W 'origin backup'; return ;;\n"));

  const std::string zsh = generate_completion(app, "zsh");
  CHECK(contains(zsh, "_claimkit_nest_remote_add() {\n"));
  CHECK(contains(zsh, "        add) _claimkit_nest_remote_add && ret=0 ;;\n"));
  CHECK(contains(zsh, "'1:URL:_files'"));
  CHECK(contains(zsh, "'--name=[Remote name]:TEXT:(origin backup)'"));

  const std::string fish = generate_completion(app, "fish");
  CHECK(contains(fish, "complete -c nest -n '__claimkit_nest_at \"remote\"' -a 'add' -d 'Add a remote'\n"));
  CHECK(contains(fish, "complete -c nest -n '__claimkit_nest_at \"remote/add\"' -l name -x -a 'origin backup'"));
  // remote/add takes a path, so file names stay on there; remote itself does not.
  CHECK_FALSE(contains(fish, "complete -c nest -n '__claimkit_nest_at \"remote/add\"' -f\n"));
  CHECK(contains(fish, "complete -c nest -n '__claimkit_nest_at \"remote\"' -f\n"));
}

TEST_CASE("completion: choices with shell syntax are quoted") {
  CLI::App app("Odd", "odd");
  std::string v;
  app.add_option("--mode", v, "Mode")->check(CLI::IsMember({"a b", "it's", "$x"}));
  CHECK(contains(generate_completion(app, "bash"), "_claimkit_odd_add -W 'a\\ b it\\'\\''s \\$x'; return ;;\n"));
  CHECK(contains(generate_completion(app, "zsh"), ":TEXT:(a\\ b it\\'\\''s \\$x)'"));
  CHECK(contains(generate_completion(app, "fish"), "-x -a 'a\\\\ b it\\\\\\'s \\\\$x'"));
}

namespace {

// Runs cli::run with fd `fd` sent to a temporary file; returns what was written.
std::string capture_fd(int fd, const std::function<void()>& f) {
  char path[] = "/tmp/claimkit-unit-XXXXXX";
  const int tmp = ::mkstemp(path);
  REQUIRE(tmp >= 0);
  ::unlink(path);
  std::fflush(nullptr);
  const int saved = ::dup(fd);
  ::dup2(tmp, fd);
  f();
  std::fflush(nullptr);
  ::dup2(saved, fd);
  ::close(saved);
  std::string text;
  ::lseek(tmp, 0, SEEK_SET);
  char buf[4096];
  for (ssize_t n; (n = ::read(tmp, buf, sizeof buf)) > 0;) text.append(buf, static_cast<std::size_t>(n));
  ::close(tmp);
  return text;
}

struct env_guard {
  explicit env_guard(const char* value) { ::setenv("CLAIMKIT_COMPLETION", value, 1); }
  ~env_guard() { ::unsetenv("CLAIMKIT_COMPLETION"); }
};

}  // namespace

TEST_CASE("completion: cli::run prints the script when CLAIMKIT_COMPLETION is set, without running") {
  auto app = claimkit::cli::make_app("demo-tool", "Demo", "");
  claimkit::cli::common_options common;
  claimkit::cli::add_common_options(*app, common);
  bool ran = false;
  char arg0[] = "demo-tool";
  char* argv[] = {arg0, nullptr};
  int code = -1;
  env_guard env("fish");
  const std::string out = capture_fd(1, [&] {
    code = claimkit::cli::run(*app, common, 1, argv, [&](claimkit::cli::context&) {
      ran = true;
      return 0;
    });
  });
  CHECK(code == 0);
  CHECK_FALSE(ran);
  CHECK(out == generate_completion(*app, "fish"));
}

TEST_CASE("completion: cli::run rejects an unknown CLAIMKIT_COMPLETION with exit 2") {
  auto app = claimkit::cli::make_app("demo-tool", "Demo", "");
  claimkit::cli::common_options common;
  claimkit::cli::add_common_options(*app, common);
  char arg0[] = "demo-tool";
  char* argv[] = {arg0, nullptr};
  int code = -1;
  env_guard env("powershell");
  std::string out;
  const std::string err = capture_fd(2, [&] {
    out = capture_fd(
        1, [&] { code = claimkit::cli::run(*app, common, 1, argv, [](claimkit::cli::context&) { return 0; }); });
  });
  CHECK(code == 2);
  CHECK(out.empty());
  CHECK(err == "demo-tool: unknown completion shell 'powershell' (want bash, zsh or fish)\n");
}
