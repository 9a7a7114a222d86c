#include "io/stage.hpp"

#include <fcntl.h>
#include <unistd.h>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

#include "core/error.hpp"

namespace claimkit::io {

stage::stage(output& out, std::size_t memory_limit) : out_(out), limit_(memory_limit) {}

stage::~stage() {
  if (fd_ >= 0) ::close(fd_);
}

void stage::spill() {
  if (fd_ < 0) {
    const char* dir = std::getenv("TMPDIR");
    std::string d = (dir != nullptr && *dir != '\0') ? dir : "/tmp";
    // O_TMPFILE: never has a name, so nothing is left behind on a crash.
    fd_ = ::open(d.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd_ < 0) {
      std::string path = d + "/claimkit-stage.XXXXXX";
      fd_ = ::mkstemp(path.data());
      if (fd_ >= 0) ::unlink(path.c_str());
    }
    if (fd_ < 0) {
      throw error(cli::exit_code::io, fmt::format("cannot create a temporary file in {}: {}", d, std::strerror(errno)));
    }
  }
  const char* p = mem_.data();
  std::size_t left = mem_.size();
  while (left > 0) {
    ssize_t n = ::pwrite(fd_, p, left, static_cast<off_t>(spilled_ + (mem_.size() - left)));
    if (n < 0) {
      if (errno == EINTR) continue;
      throw error(cli::exit_code::io, fmt::format("temporary file write failed: {}", std::strerror(errno)));
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  spilled_ += mem_.size();
  mem_.clear();
}

void stage::rollback(std::uint64_t m) {
  if (m >= spilled_) {
    mem_.resize(static_cast<std::size_t>(m - spilled_));
    return;
  }
  mem_.clear();
  spilled_ = m;
  if (fd_ >= 0 && ::ftruncate(fd_, static_cast<off_t>(m)) != 0) {
    throw error(cli::exit_code::io, fmt::format("temporary file truncate failed: {}", std::strerror(errno)));
  }
}

void stage::commit() {
  if (spilled_ > 0) {
    std::uint64_t off = 0;
    while (off < spilled_) {
      std::string& b = out_.buffer();
      std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(spilled_ - off, 1u << 20));
      std::size_t old = b.size();
      b.resize(old + want);
      ssize_t n = ::pread(fd_, b.data() + old, want, static_cast<off_t>(off));
      if (n <= 0) {
        b.resize(old);
        if (n < 0 && errno == EINTR) continue;
        throw error(cli::exit_code::io, "temporary file read failed");
      }
      b.resize(old + static_cast<std::size_t>(n));
      off += static_cast<std::uint64_t>(n);
      out_.maybe_flush();
    }
    if (::ftruncate(fd_, 0) != 0) {
      throw error(cli::exit_code::io, fmt::format("temporary file truncate failed: {}", std::strerror(errno)));
    }
    spilled_ = 0;
  }
  out_.append(mem_);
  mem_.clear();
  out_.maybe_flush();
}

}  // namespace claimkit::io
