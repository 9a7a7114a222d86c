// Shared pieces of the fuzz targets: the library reads inputs by path, so
// each target keeps one in-memory file (memfd) and rewrites it per run.
#pragma once

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "cli/reporter.hpp"
#include "cli/tool.hpp"
#include "core/error.hpp"
#include "io/output.hpp"

namespace claimkit::fuzz {

class memory_file {
 public:
  memory_file() {
    fd_ = ::memfd_create("claimkit-fuzz", MFD_CLOEXEC);
    if (fd_ < 0) std::abort();
    path_ = "/proc/self/fd/" + std::to_string(fd_);
  }
  ~memory_file() { ::close(fd_); }
  /// Replaces the contents; opening path() afterwards reads exactly data.
  const std::string& set(const std::uint8_t* data, std::size_t size) {
    if (::ftruncate(fd_, 0) != 0) std::abort();
    std::size_t done = 0;
    while (done < size) {
      ssize_t n = ::pwrite(fd_, data + done, size - done, static_cast<off_t>(done));
      if (n <= 0) std::abort();
      done += static_cast<std::size_t>(n);
    }
    return path_;
  }
  const std::string& path() const { return path_; }

 private:
  int fd_ = -1;
  std::string path_;
};

/// Where the tools' stdout goes while fuzzing.
inline int null_fd() {
  static int fd = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  return fd;
}

/// Runs body(ctx) as tool would run with path given copies times: stdout to
/// /dev/null, a quiet reporter. Only an internal error is a bug here; anything
/// not a claimkit::error escapes and libFuzzer reports it.
template <typename Body>
void run_tool(const char* tool, const std::string& path, int copies, Body&& body) {
  io::output out(null_fd(), "<stdout>");
  cli::reporter rep(tool);
  rep.set_quiet(true);
  cli::common_options common;
  for (int i = 0; i < copies; ++i) common.files.push_back(path);
  cli::context ctx{out, rep, common};
  try {
    body(ctx);
    out.flush();
  } catch (const error& e) {
    if (e.code() == cli::exit_code::internal) std::abort();
  }
}

}  // namespace claimkit::fuzz
