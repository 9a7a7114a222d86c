#pragma once

#include "core/buffers.hpp"

#include <string>
#include <string_view>

namespace claimkit::io {

/// A buffered writer over a file descriptor. Records are appended to
/// buffer() and flushed in large writes; EPIPE becomes claimkit::broken_pipe,
/// any other write failure a claimkit::error with exit code 3.
class output {
 public:
  /// Writes to an already open descriptor (not closed on destruction).
  output(int fd, std::string name);
  /// Creates (truncates) a file with mode 0600, whatever the umask.
  static output create_private(const std::string& path);
  output(output&& other) noexcept;
  output& operator=(output&&) = delete;
  output(const output&) = delete;
  ~output();

  std::string& buffer() { return buf_; }
  void append(std::string_view s) { buf_.append(s); }
  /// Flushes when the buffer passed the high-water mark; call between records.
  void maybe_flush() {
    if (buf_.size() >= kHighWater) flush();
  }
  void flush();
  /// Writes s after what is buffered. A large s with nothing buffered goes
  /// straight to the descriptor, not copied into the buffer first.
  void write(std::string_view s) {
    if (buf_.empty() && s.size() >= kHighWater) {
      write_all(s.data(), s.size());
      return;
    }
    buf_.append(s);
    maybe_flush();
  }
  /// Flushes and, for regular files, fsyncs and closes; errors are reported.
  void close();
  const std::string& name() const { return name_; }

  static constexpr std::size_t kHighWater = buffers::output_flush;

 private:
  int fd_;
  bool owned_;
  std::string name_;
  std::string buf_;
  void write_all(const char* p, std::size_t left);
};

}  // namespace claimkit::io
