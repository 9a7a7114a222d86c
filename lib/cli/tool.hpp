#pragma once

#include <functional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/reporter.hpp"
#include "io/output.hpp"

namespace claimkit::cli {

/// Options every tool has, with the same meaning everywhere.
struct common_options {
  std::vector<std::string> files;  // FILE... ; empty means stdin
  std::string errors_path;         // --errors FILE
  bool quiet = false;              // -q
};

/// What a tool's body gets: its stdout and its diagnostics.
struct context {
  io::output& out;
  reporter& report;
  const common_options& common;
  /// The inputs to read: the FILE arguments, or "-" when there are none.
  std::vector<std::string> inputs() const;
};

/// Builds the CLI11 app with the shared conventions: description, examples in
/// the help footer, --version, and (when with_files) FILE... positional,
/// --errors and -q.
void add_common_options(CLI::App& app, common_options& opts, bool with_files = true);
std::unique_ptr<CLI::App> make_app(const std::string& name, const std::string& description,
                                   const std::string& examples);

/// Parses the command line and runs body. The only place errors become
/// messages and exit codes: CLI11 parse errors -> 2, claimkit::error -> its
/// code, a closed downstream pipe -> 0, anything else -> 5. Stdout is flushed
/// and checked before returning. Returns the process exit code.
int run(CLI::App& app, common_options& opts, int argc, char** argv, const std::function<int(context&)>& body);

/// Temporary files to remove if the process is interrupted (SIGINT/SIGTERM).
void register_temp_file(const std::string& path);
void unregister_temp_file(const std::string& path);

}  // namespace claimkit::cli
