#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "io/output.hpp"

namespace claimkit::cli {

enum class severity { warning, error };

/// Where a finding was made. Positions only: never a value from the record.
struct position {
  std::string_view input;  // display name of the input ("<stdin>" for stdin)
  std::uint64_t line = 0;  // 1-based; 0 when not known
};

/// What goes with a finding into the rejects file. `record` is a JSON value
/// copied verbatim, `raw` a line as read (it becomes a JSON string), `extra`
/// a list of `"key":value` members appended to the error object.
struct details {
  std::string_view record;
  std::string_view raw;
  std::string_view extra;
};

/// The one place a tool's per-record diagnostics go: one line on stderr
/// (`tool: file:line: message`, unless quiet) and one NDJSON object in the
/// `--errors` file when one was given.
class reporter {
 public:
  explicit reporter(std::string tool);
  ~reporter();

  void set_quiet(bool q) { quiet_ = q; }
  bool quiet() const { return quiet_; }
  /// Creates the rejects file (mode 0600, truncated).
  void open_errors(const std::string& path);

  void report(severity sev, const position& pos, std::string_view kind, std::string_view message,
              const details& d = {});
  void warning(const position& pos, std::string_view kind, std::string_view message, const details& d = {}) {
    report(severity::warning, pos, kind, message, d);
  }
  void error(const position& pos, std::string_view kind, std::string_view message, const details& d = {}) {
    report(severity::error, pos, kind, message, d);
  }
  /// A summary or progress note on stderr, not a finding (suppressed by -q).
  void note(std::string_view message);
  /// A fatal message: always printed, never written to the rejects file.
  void fatal(std::string_view message);

  std::uint64_t errors() const { return errors_; }
  std::uint64_t warnings() const { return warnings_; }
  const std::string& tool() const { return tool_; }
  /// Flushes and closes the rejects file.
  void close();

 private:
  std::string tool_;
  bool quiet_ = false;
  bool color_ = false;
  std::uint64_t errors_ = 0;
  std::uint64_t warnings_ = 0;
  std::unique_ptr<io::output> errors_file_;
  std::string line_;
};

/// True when colour may be used on stderr: a terminal, NO_COLOR unset, TERM not dumb.
bool stderr_color();
/// True when stderr is a terminal (progress lines are shown only then).
bool stderr_is_terminal();

}  // namespace claimkit::cli
