#include "io/output.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "core/error.hpp"

namespace claimkit::io {

output::output(int fd, std::string name) : fd_(fd), owned_(false), name_(std::move(name)) {
  buf_.reserve(kHighWater + kHighWater / 4);
}

output output::create_private(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    throw error(cli::exit_code::io, fmt::format("{}: cannot create: {}", path, std::strerror(errno)));
  }
  // The file may have existed with wider permissions (its old content is
  // gone with O_TRUNC); it carries PHI, so a chmod that fails is an error.
  if (::fchmod(fd, 0600) != 0) {
    int e = errno;
    ::close(fd);
    throw error(cli::exit_code::io, fmt::format("{}: cannot chmod 600: {}", path, std::strerror(e)));
  }
  output out(fd, path);
  out.owned_ = true;
  return out;
}

output::output(output&& other) noexcept
    : fd_(other.fd_), owned_(other.owned_), name_(std::move(other.name_)), buf_(std::move(other.buf_)) {
  other.fd_ = -1;
  other.owned_ = false;
}

output::~output() {
  if (fd_ >= 0 && owned_) ::close(fd_);
}

void output::flush() {
  write_all(buf_.data(), buf_.size());
  buf_.clear();
}

void output::write_all(const char* p, std::size_t left) {
  while (left > 0) {
    ssize_t n = ::write(fd_, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EPIPE) {
        buf_.clear();
        throw broken_pipe();
      }
      int e = errno;
      buf_.clear();
      throw error(cli::exit_code::io, fmt::format("{}: write failed: {}", name_, std::strerror(e)));
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
}

void output::close() {
  flush();
  if (fd_ < 0) return;
  struct stat st {};
  if (::fstat(fd_, &st) == 0 && S_ISREG(st.st_mode)) {
    if (::fsync(fd_) != 0 && errno != EINVAL) {
      throw error(cli::exit_code::io, fmt::format("{}: sync failed: {}", name_, std::strerror(errno)));
    }
  }
  if (owned_) {
    if (::close(fd_) != 0) {
      fd_ = -1;
      throw error(cli::exit_code::io, fmt::format("{}: close failed: {}", name_, std::strerror(errno)));
    }
    fd_ = -1;
  }
}

}  // namespace claimkit::io
