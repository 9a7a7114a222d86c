#include "cli/tool.hpp"
#include "cli/warn.hpp"

#include <sys/resource.h>
#include <unistd.h>
#include <algorithm>
#include <array>
#include <atomic>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <new>

#include <fmt/format.h>

#include "cli/completion.hpp"
#include "core/error.hpp"

namespace claimkit::cli {
namespace {

// Signal-safe registry of temporary files: fixed slots, plain char arrays.
constexpr std::size_t kTempSlots = 16;
constexpr std::size_t kTempPathMax = 4096;
std::array<std::array<char, kTempPathMax>, kTempSlots> g_temp_paths{};
std::array<std::atomic<bool>, kTempSlots> g_temp_used{};

// Signal-safe: unlinks every registered temporary file.
void remove_temp_files() {
  for (std::size_t i = 0; i < kTempSlots; ++i) {
    if (g_temp_used[i].load()) ::unlink(g_temp_paths[i].data());
  }
}

extern "C" void on_terminate_signal(int sig) {
  remove_temp_files();
  ::_exit(sig == SIGINT ? 130 : 128 + sig);
}

// Written as it stands by on_bus_error: "tool: ...\n".
std::array<char, 256> g_bus_message{};
std::size_t g_bus_message_len = 0;

// A file read through a mapping (status-normalize's input) that is truncated
// meanwhile faults on the pages it lost: say so and stop as for an unreadable
// input, rather than die of the signal.
extern "C" void on_bus_error(int) {
  remove_temp_files();
  if (g_bus_message_len > 0) {
    ssize_t ignored = ::write(2, g_bus_message.data(), g_bus_message_len);
    (void)ignored;
  }
  ::_exit(static_cast<int>(exit_code::io));
}

void install_process_defaults(const std::string& name) {
  // Downstream closing the pipe must surface as EPIPE, not kill us mid-write.
  std::signal(SIGPIPE, SIG_IGN);
  struct sigaction sa {};
  sa.sa_handler = on_terminate_signal;
  sigemptyset(&sa.sa_mask);
  ::sigaction(SIGINT, &sa, nullptr);
  ::sigaction(SIGTERM, &sa, nullptr);
  const std::string msg = fmt::format("{}: an input file was truncated while it was being read; stopped\n", name);
  if (msg.size() <= g_bus_message.size()) {
    std::memcpy(g_bus_message.data(), msg.data(), msg.size());
    g_bus_message_len = msg.size();
  }
  struct sigaction bus {};
  bus.sa_handler = on_bus_error;
  sigemptyset(&bus.sa_mask);
  ::sigaction(SIGBUS, &bus, nullptr);
  // A core dump would carry PHI from memory.
  struct rlimit no_core {
    0, 0
  };
  ::setrlimit(RLIMIT_CORE, &no_core);
}

// Edit distance with adjacent transpositions ("bulid" is one step from
// "build"), for the suggestion after an unknown subcommand.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.size()][b.size()];
}

// For a tool with subcommands when none was chosen: the first word that is
// not an option names an unknown subcommand; says so, with the nearest
// subcommand name when one is close. Empty when that is not the case.
std::string unknown_subcommand(CLI::App& app, int argc, char** argv) {
  auto defined = app.get_subcommands([](CLI::App*) { return true; });
  if (defined.empty() || !app.get_subcommands().empty()) return {};
  for (int i = 1; i < argc; ++i) {
    std::string_view word = argv[i];
    if (word.empty() || word.front() == '-') continue;
    std::string best;
    std::size_t best_d = 3;  // suggest at two edits or fewer
    for (const CLI::App* sub : defined) {
      std::size_t dist = edit_distance(word, sub->get_name());
      if (dist < best_d) {
        best_d = dist;
        best = sub->get_name();
      }
    }
    std::string msg = fmt::format("unknown subcommand '{}'", word);
    if (!best.empty()) msg += fmt::format("; did you mean '{}'?", best);
    return msg;
  }
  return {};
}

// "tool" or "tool subcommand": whose --help a usage error points to.
std::string command_path(CLI::App& app) {
  std::string where = app.get_name();
  for (const CLI::App* sub = &app;;) {
    auto chosen = sub->get_subcommands();
    if (chosen.empty()) break;
    sub = chosen.front();
    where += " " + sub->get_name();
  }
  return where;
}

}  // namespace

namespace {
reporter* g_warnings = nullptr;  // the running tool's reporter, while run() runs its body
}  // namespace

void warn(std::string_view message) {
  if (g_warnings != nullptr) g_warnings->fatal(message);
}

void register_temp_file(const std::string& path) {
  if (path.size() >= kTempPathMax) return;
  for (std::size_t i = 0; i < kTempSlots; ++i) {
    bool expected = false;
    if (!g_temp_used[i].load()) {
      std::memcpy(g_temp_paths[i].data(), path.c_str(), path.size() + 1);
      if (g_temp_used[i].compare_exchange_strong(expected, true)) return;
    }
  }
}

void unregister_temp_file(const std::string& path) {
  for (std::size_t i = 0; i < kTempSlots; ++i) {
    if (g_temp_used[i].load() && path == g_temp_paths[i].data()) g_temp_used[i].store(false);
  }
}

std::vector<std::string> context::inputs() const {
  if (common.files.empty()) return {"-"};
  return common.files;
}

std::unique_ptr<CLI::App> make_app(const std::string& name, const std::string& description,
                                   const std::string& examples) {
  auto app = std::make_unique<CLI::App>(description, name);
  app->set_version_flag("--version", std::string(name) + " (claimkit) " + CLAIMKIT_VERSION);
  if (!examples.empty()) app->footer("Examples:\n" + examples);
  app->get_formatter()->column_width(34);
  return app;
}

void add_common_options(CLI::App& app, common_options& opts, bool with_files) {
  if (with_files) {
    app.add_option("FILE", opts.files, "Input files; none or - reads standard input")->type_name("FILE...");
  }
  app.add_option("--errors", opts.errors_path, "Write rejected records and findings as NDJSON to FILE (mode 0600)")
      ->type_name("FILE");
  app.add_flag("-q,--quiet", opts.quiet,
               "No per-record messages or summary on stderr (the --errors file still gets them)");
}

int run(CLI::App& app, common_options& opts, int argc, char** argv, const std::function<int(context&)>& body) {
  // Completions come from the same definitions as --help, so they cannot drift.
  if (const char* shell = std::getenv("CLAIMKIT_COMPLETION"); shell != nullptr && *shell != '\0') {
    try {
      io::output completion(1, "<stdout>");
      completion.append(generate_completion(app, shell));
      completion.close();
      return 0;
    } catch (const broken_pipe&) {
      return 0;
    } catch (const error& e) {
      reporter(app.get_name()).fatal(e.what());
      return to_int(e.code());
    }
  }
  const std::string name = app.get_name();
  install_process_defaults(name);
  reporter rep(name);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    app.exit(e);
    return 0;
  } catch (const CLI::CallForAllHelp& e) {
    app.exit(e);
    return 0;
  } catch (const CLI::CallForVersion& e) {
    app.exit(e);
    return 0;
  } catch (const CLI::ParseError& e) {
    std::string msg = e.what();
    if (!msg.empty()) msg[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(msg[0])));
    if (std::string sub = unknown_subcommand(app, argc, argv); !sub.empty()) msg = sub;
    // Point at the help of the subcommand being parsed, when there is one.
    rep.fatal(fmt::format("{}\nTry '{} --help' for more information.", msg, command_path(app)));
    return to_int(exit_code::usage);
  }
  if (!body) {
    rep.fatal(fmt::format("a subcommand is required\nTry '{} --help' for more information.", name));
    return to_int(exit_code::usage);
  }
  rep.set_quiet(opts.quiet);
  io::output out(1, "<stdout>");
  int code = 0;
  try {
    if (!opts.errors_path.empty()) rep.open_errors(opts.errors_path);
    context ctx{out, rep, opts};
    g_warnings = &rep;
    code = body(ctx);
    g_warnings = nullptr;
    out.close();
    rep.close();
    if (code == 0 && rep.errors() > 0) code = to_int(exit_code::rejected);
  } catch (const broken_pipe&) {
    return 0;
  } catch (const error& e) {
    try {
      out.flush();
    } catch (...) {
    }
    if (e.code() == exit_code::usage) {
      // A usage error found once the options were read (a bad value, a
      // missing setting) ends like a parse error, with the pointer to --help.
      rep.fatal(fmt::format("{}\nTry '{} --help' for more information.", e.what(), command_path(app)));
    } else {
      rep.fatal(e.what());
    }
    code = to_int(e.code());
  } catch (const std::bad_alloc&) {
    rep.fatal("out of memory");
    code = to_int(exit_code::internal);
  } catch (const std::exception& e) {
    rep.fatal(fmt::format("internal error: {}", e.what()));
    code = to_int(exit_code::internal);
  }
  g_warnings = nullptr;
  try {
    rep.close();
  } catch (const error& e) {
    rep.fatal(e.what());
    if (code == 0) code = to_int(e.code());
  }
  return code;
}

}  // namespace claimkit::cli
