#include "query/control_number.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>
#include <string_view>

#include <fmt/format.h>

#include "cli/tool.hpp"
#include "core/error.hpp"

namespace claimkit::query {
namespace {

[[noreturn]] void io_fail(const std::string& path, std::string_view what) {
  throw error(cli::exit_code::io, fmt::format("{}: {}: {}", path, what, std::strerror(errno)));
}

class fd_guard {
 public:
  explicit fd_guard(int fd) : fd_(fd) {}
  ~fd_guard() {
    if (fd_ >= 0) ::close(fd_);
  }
  fd_guard(const fd_guard&) = delete;
  fd_guard& operator=(const fd_guard&) = delete;
  int get() const { return fd_; }
  int release() {
    int f = fd_;
    fd_ = -1;
    return f;
  }

 private:
  int fd_;
};

std::string read_all(int fd, const std::string& path) {
  std::string text;
  char buf[256];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      io_fail(path, "cannot read control file");
    }
    if (n == 0) break;
    text.append(buf, static_cast<std::size_t>(n));
    if (text.size() > 64) break;
  }
  return text;
}

std::uint64_t parse_counter(std::string_view text, const std::string& path) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.remove_suffix(1);
  if (text.empty()) return 0;
  std::uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9' || v > kMaxControlNumber) {
      throw error(cli::exit_code::usage, fmt::format("{}: control file does not hold a control number", path));
    }
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (v > kMaxControlNumber) {
    throw error(cli::exit_code::usage, fmt::format("{}: control file does not hold a control number", path));
  }
  return v;
}

std::string dir_of(const std::string& path) {
  std::size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

void write_fully(int fd, std::string_view s, const std::string& path) {
  while (!s.empty()) {
    ssize_t n = ::write(fd, s.data(), s.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      io_fail(path, "cannot write control file");
    }
    s.remove_prefix(static_cast<std::size_t>(n));
  }
}

}  // namespace

bool parse_control_number(const std::string& text, std::uint64_t& out) {
  if (text.empty() || text.size() > 9) return false;
  std::uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (v == 0) return false;
  out = v;
  return true;
}

std::uint64_t peek_control_number(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return 0;
    io_fail(path, "cannot open control file");
  }
  fd_guard g(fd);
  return parse_counter(read_all(fd, path), path);
}

std::uint64_t next_control_number(const std::string& path) {
  // The lock lives on the inode; the rename below swaps inodes, so a process
  // that waited on the old one must notice and lock the new file instead.
  for (int attempt = 0;; ++attempt) {
    fd_guard lock(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
    if (lock.get() < 0) io_fail(path, "cannot open control file");
    while (::flock(lock.get(), LOCK_EX) != 0) {
      if (errno != EINTR) io_fail(path, "cannot lock control file");
    }
    struct stat held {
    }, now{};
    if (::fstat(lock.get(), &held) != 0) io_fail(path, "cannot stat control file");
    if (::stat(path.c_str(), &now) != 0 || now.st_ino != held.st_ino || now.st_dev != held.st_dev) {
      if (attempt > 1000) {
        throw error(cli::exit_code::io, fmt::format("{}: control file keeps changing under the lock", path));
      }
      continue;
    }
    std::uint64_t last = parse_counter(read_all(lock.get(), path), path);
    if (last >= kMaxControlNumber) {
      throw error(cli::exit_code::usage,
                  fmt::format("{}: control numbers exhausted (999999999 used); start a new control file", path));
    }
    std::uint64_t next = last + 1;

    std::string tmp = fmt::format("{}.tmp.{}", path, ::getpid());
    cli::register_temp_file(tmp);
    fd_guard out(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    if (out.get() < 0) io_fail(tmp, "cannot create control file");
    ::fchmod(out.get(), 0600);
    write_fully(out.get(), fmt::format("{}\n", next), tmp);
    if (::fsync(out.get()) != 0) io_fail(tmp, "cannot sync control file");
    if (::close(out.release()) != 0) io_fail(tmp, "cannot close control file");
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
      int e = errno;
      ::unlink(tmp.c_str());
      cli::unregister_temp_file(tmp);
      errno = e;
      io_fail(path, "cannot replace control file");
    }
    cli::unregister_temp_file(tmp);
    // The rename itself must survive a crash, or a number could come back.
    fd_guard dir(::open(dir_of(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dir.get() >= 0 && ::fsync(dir.get()) != 0 && errno != EINVAL)
      io_fail(path, "cannot sync control file directory");
    return next;  // the lock goes with the old inode's descriptor
  }
}

}  // namespace claimkit::query
