#include "io/input.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "core/error.hpp"

namespace claimkit::io {

std::string display_name(const std::string& path) { return path == "-" ? "<stdin>" : path; }

input::input(const std::string& path) : path_(path), name_(display_name(path)) {
  if (path == "-") {
    fd_ = 0;
    return;
  }
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) {
    throw error(cli::exit_code::io, fmt::format("{}: cannot open: {}", name_, std::strerror(errno)));
  }
  struct stat st {};
  if (::fstat(fd_, &st) == 0 && S_ISDIR(st.st_mode)) {
    ::close(fd_);
    fd_ = -1;
    throw error(cli::exit_code::io, fmt::format("{}: is a directory", name_));
  }
#ifdef POSIX_FADV_SEQUENTIAL
  ::posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
}

input::input(input&& other) noexcept : fd_(other.fd_), path_(std::move(other.path_)), name_(std::move(other.name_)) {
  other.fd_ = -1;
}

input::~input() {
  if (fd_ > 0) ::close(fd_);
}

bool input::regular_file(std::uint64_t& size, std::uint64_t& offset) const {
  struct stat st {};
  if (fd_ < 0 || ::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0) return false;
  const off_t at = ::lseek(fd_, 0, SEEK_CUR);
  if (at < 0) return false;
  size = static_cast<std::uint64_t>(st.st_size);
  offset = static_cast<std::uint64_t>(at);
  return true;
}

char* input::map(std::uint64_t at, std::size_t len) const {
  void* m = ::mmap(nullptr, len, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd_, static_cast<off_t>(at));
  return m == MAP_FAILED ? nullptr : static_cast<char*>(m);
}

std::size_t input::page_size() {
  static const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  return page;
}

std::size_t input::read(char* buf, std::size_t n) {
  for (;;) {
    ssize_t got = ::read(fd_, buf, n);
    if (got >= 0) return static_cast<std::size_t>(got);
    if (errno == EINTR) continue;
    throw error(cli::exit_code::io, fmt::format("{}: read failed: {}", name_, std::strerror(errno)));
  }
}

}  // namespace claimkit::io
