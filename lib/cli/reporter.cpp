#include "cli/reporter.hpp"

#include <unistd.h>
#include <cstdlib>
#include <cstring>

#include "json/writer.hpp"

namespace claimkit::cli {

bool stderr_is_terminal() { return ::isatty(2) == 1; }

bool stderr_color() {
  if (!stderr_is_terminal()) return false;
  const char* nc = std::getenv("NO_COLOR");
  if (nc != nullptr && *nc != '\0') return false;
  const char* term = std::getenv("TERM");
  return term == nullptr || std::strcmp(term, "dumb") != 0;
}

reporter::reporter(std::string tool) : tool_(std::move(tool)), color_(stderr_color()) {}

reporter::~reporter() {
  try {
    close();
  } catch (...) {
  }
}

void reporter::open_errors(const std::string& path) {
  errors_file_ = std::make_unique<io::output>(io::output::create_private(path));
}

namespace {
void write_stderr(const std::string& s) {
  const char* p = s.data();
  std::size_t left = s.size();
  while (left > 0) {
    ssize_t n = ::write(2, p, left);
    if (n <= 0) return;  // nothing sensible to do when stderr is gone
    p += n;
    left -= static_cast<std::size_t>(n);
  }
}
}  // namespace

void reporter::report(severity sev, const position& pos, std::string_view kind, std::string_view message,
                      const details& d) {
  if (sev == severity::error) ++errors_;
  else ++warnings_;
  if (!quiet_) {
    line_.clear();
    if (color_) line_ += "\x1b[1m";
    line_ += tool_;
    line_ += ": ";
    if (!pos.input.empty()) {
      line_ += pos.input;
      if (pos.line > 0) {
        line_ += ':';
        line_ += std::to_string(pos.line);
      }
      line_ += ": ";
    }
    if (color_) line_ += "\x1b[0m";
    if (sev == severity::warning) line_ += color_ ? "\x1b[35mwarning:\x1b[0m " : "warning: ";
    line_ += message;
    line_ += '\n';
    write_stderr(line_);
  }
  if (errors_file_) {
    std::string& b = errors_file_->buffer();
    json::writer w(b);
    w.begin_object();
    w.key("type");
    w.string("error");
    w.key("tool");
    w.string(tool_);
    if (!pos.input.empty()) {
      w.key("input");
      w.string(pos.input);
    }
    if (pos.line > 0) {
      w.key("line");
      w.integer(static_cast<std::int64_t>(pos.line));
    }
    w.key("severity");
    w.string(sev == severity::error ? "error" : "warning");
    w.key("kind");
    w.string(kind);
    w.key("message");
    w.string(message);
    if (!d.extra.empty()) {
      w.raw(d.extra);
    }
    if (!d.record.empty()) {
      w.key("record");
      w.raw(d.record);
    } else if (!d.raw.empty()) {
      w.key("raw");
      w.string(d.raw);
    }
    w.end_object();
    b.push_back('\n');
    errors_file_->maybe_flush();
  }
}

void reporter::note(std::string_view message) {
  if (quiet_) return;
  line_.clear();
  line_ += tool_;
  line_ += ": ";
  line_ += message;
  line_ += '\n';
  write_stderr(line_);
}

void reporter::fatal(std::string_view message) {
  line_.clear();
  if (color_) line_ += "\x1b[1m";
  line_ += tool_;
  line_ += ": ";
  if (color_) line_ += "\x1b[0m";
  line_ += message;
  line_ += '\n';
  write_stderr(line_);
}

void reporter::close() {
  if (errors_file_) {
    auto f = std::move(errors_file_);
    f->close();
  }
}

}  // namespace claimkit::cli
