#include "sftp/inbox.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>
#include <limits>
#include <vector>

#include <fmt/format.h>

#include "cli/tool.hpp"
#include "core/error.hpp"
#include "dates/instant.hpp"
#include "json/writer.hpp"
#include "ndjson/value.hpp"
#include "sftp/client.hpp"
#include "sftp/location.hpp"

namespace claimkit::sftp {
namespace {

constexpr std::uint64_t kAnySize = std::numeric_limits<std::uint64_t>::max();

[[noreturn]] void io_fail(const std::string& path, std::string_view what, int e) {
  throw error(cli::exit_code::io, fmt::format("{}: {}: {}", path, what, std::strerror(e)));
}

[[noreturn]] void unsafe(const std::string& path, std::string_view why) {
  throw error(cli::exit_code::usage, fmt::format("{}: {}; refusing to use it", path, why));
}

/// The checks every directory the fetch writes into passes: a directory
/// owned by this user; writable by group or others only when shared is set
/// and the directory is sticky (others cannot then rename or remove what
/// this user made in it).
void check_dir(int fd, const std::string& path, bool shared) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) io_fail(path, "cannot use", errno);
  if (!S_ISDIR(st.st_mode)) unsafe(path, "not a directory");
  if (st.st_uid != ::geteuid()) unsafe(path, fmt::format("owned by another user (uid {})", st.st_uid));
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0 && !(shared && (st.st_mode & S_ISVTX) != 0)) {
    unsafe(path, shared ? "group or others may write it and it is not sticky (chmod +t or go-w)"
                        : "group or others may write it (chmod 700)");
  }
}

/// Opens path (relative to at, or absolute) as a directory, never through a symlink.
int open_dir(int at, const std::string& name, const std::string& path) {
  int fd = ::openat(at, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    int e = errno;
    struct stat st {};
    if (::fstatat(at, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode)) {
      unsafe(path, "is a symbolic link, not a directory");
    }
    io_fail(path, "cannot use as inbox", e);
  }
  return fd;
}

void write_all(int fd, std::string_view left, const std::string& path, std::string_view what) {
  while (!left.empty()) {
    ssize_t n = ::write(fd, left.data(), left.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      io_fail(path, what, errno);
    }
    left.remove_prefix(static_cast<std::size_t>(n));
  }
}

}  // namespace

inbox::inbox(std::string dir, std::string record_path) : dir_(std::move(dir)), record_(std::move(record_path)) {
  while (dir_.size() > 1 && dir_.back() == '/') dir_.pop_back();
  dir_fd_ = open_dir(AT_FDCWD, dir_, dir_);
  try {
    check_dir(dir_fd_, dir_, true);
    if (long m = ::fpathconf(dir_fd_, _PC_NAME_MAX); m > 0) name_max_ = m;
    const bool inside = record_.empty();
    if (inside) record_ = dir_ + "/" + kStateName;
    // O_NOFOLLOW: a symlink planted in place of the record is refused, not
    // followed to a file of this user's.
    state_fd_ = ::openat(inside ? dir_fd_ : AT_FDCWD, inside ? kStateName : record_.c_str(),
                         O_RDWR | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (state_fd_ < 0) {
      int e = errno;
      // O_NOFOLLOW says ELOOP, but a symlink of another user's in a sticky
      // directory may be refused with EACCES first.
      struct stat ls {};
      if (e == ELOOP || (::fstatat(inside ? dir_fd_ : AT_FDCWD, inside ? kStateName : record_.c_str(), &ls,
                                   AT_SYMLINK_NOFOLLOW) == 0 &&
                         S_ISLNK(ls.st_mode))) {
        unsafe(record_, "the fetch record is a symbolic link");
      }
      io_fail(record_, "cannot open fetch record", e);
    }
    struct stat st {};
    if (::fstat(state_fd_, &st) != 0) io_fail(record_, "cannot open fetch record", errno);
    if (!S_ISREG(st.st_mode)) unsafe(record_, "the fetch record is not a regular file");
    if (st.st_uid != ::geteuid())
      unsafe(record_, fmt::format("the fetch record is owned by another user (uid {})", st.st_uid));
    if ((st.st_mode & 07777) != 0600 && ::fchmod(state_fd_, 0600) != 0) io_fail(record_, "cannot chmod 600", errno);
    if (::flock(state_fd_, LOCK_EX | LOCK_NB) != 0) {
      int e = errno;
      if (e == EWOULDBLOCK) {
        throw error(cli::exit_code::io, fmt::format("{}: another fetch into this inbox is running", dir_));
      }
      io_fail(record_, "cannot lock fetch record", e);
    }
  } catch (...) {
    if (state_fd_ >= 0) ::close(state_fd_);
    ::close(dir_fd_);
    throw;
  }
  std::string text;
  char buf[65536];
  for (;;) {
    ssize_t n = ::pread(state_fd_, buf, sizeof buf, static_cast<off_t>(text.size()));
    if (n < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      ::close(state_fd_);
      ::close(dir_fd_);
      io_fail(record_, "cannot read fetch record", e);
    }
    if (n == 0) break;
    text.append(buf, static_cast<std::size_t>(n));
  }
  std::vector<ndjson::member> ms;
  ndjson::parse_error err;
  std::string name;
  std::string_view rest = text;
  while (!rest.empty()) {
    std::size_t nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    // A line cut short by a crash is ignored: its file is fetched again.
    if (line.empty() || !ndjson::parse_object(line, ms, err)) continue;
    const ndjson::member* m = ndjson::find(ms, "name");
    if (m == nullptr || m->kind != ndjson::kind::string) continue;
    ndjson::unescape(m->value.substr(1, m->value.size() - 2), name);
    std::uint64_t size = kAnySize;
    if (const ndjson::member* s = ndjson::find(ms, "size"); s != nullptr && s->kind == ndjson::kind::number) {
      std::uint64_t v = 0;
      bool ok = !s->value.empty();
      for (char c : s->value) {
        if (c < '0' || c > '9') ok = false;
        else v = v * 10 + static_cast<std::uint64_t>(c - '0');
      }
      if (ok) size = v;
    }
    names_.emplace(name, size);
  }
}

inbox::~inbox() {
  if (state_fd_ >= 0) ::close(state_fd_);
  if (quarantine_fd_ >= 0) ::close(quarantine_fd_);
  if (dir_fd_ >= 0) ::close(dir_fd_);
}

bool inbox::fetched(const std::string& name, std::uint64_t size) const {
  return names_.count({name, size}) != 0 || names_.count({name, kAnySize}) != 0;
}

std::string inbox::unusable(std::string_view name) const {
  if (!safe_file_name(name)) return "control characters or a character a local file name cannot hold";
  // The temporary name is the name with a dot before and ".part" after.
  if (static_cast<long>(name.size()) + 6 > name_max_) return "longer than this file system allows";
  for (std::string_view own : {"work", "done", "failed", "quarantine"}) {
    if (name == own) return "the name of one of the inbox's own directories";
  }
  return {};
}

int inbox::quarantine_fd() {
  if (quarantine_fd_ >= 0) return quarantine_fd_;
  std::string path = dir_ + "/quarantine";
  if (::mkdirat(dir_fd_, "quarantine", 0700) != 0 && errno != EEXIST) io_fail(path, "cannot create", errno);
  int fd = open_dir(dir_fd_, "quarantine", path);
  try {
    check_dir(fd, path, false);
  } catch (...) {
    ::close(fd);
    throw;
  }
  quarantine_fd_ = fd;
  return fd;
}

int inbox::begin(const std::string& name, bool quarantine) {
  pending p;
  if (quarantine) {
    p.dir_fd = quarantine_fd();
    p.id = fmt::format("q-{}-{}-{}", dates::format_basic(dates::now()), ::getpid(), ++serial_);
    p.tmp = "." + p.id + ".part";
    p.tmp_path = dir_ + "/quarantine/" + p.tmp;
  } else {
    p.dir_fd = dir_fd_;
    p.id = name;
    p.tmp = "." + name + ".part";
    p.tmp_path = dir_ + "/" + p.tmp;
  }
  ::unlinkat(p.dir_fd, p.tmp.c_str(), 0);  // left by an interrupted run holding the same lock
  // Registered before it exists, so a signal cannot fall between creation
  // and registration (the inbox lock makes the name ours).
  cli::register_temp_file(p.tmp_path);
  // O_EXCL never follows a symlink: one planted under the temporary name is refused.
  int fd = ::openat(p.dir_fd, p.tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) {
    int e = errno;
    cli::unregister_temp_file(p.tmp_path);
    // Someone else's file under the temporary name (a sticky directory
    // keeps it from being removed): this file waits, the others go on.
    if (e == EEXIST || e == ELOOP) {
      throw file_error(fmt::format("{}: exists and is not this user's to replace; not fetched", printable(p.tmp_path)));
    }
    io_fail(printable(p.tmp_path), "cannot create", e);
  }
  if (::fchmod(fd, 0600) != 0) {
    int e = errno;
    ::close(fd);
    ::unlinkat(p.dir_fd, p.tmp.c_str(), 0);
    cli::unregister_temp_file(p.tmp_path);
    io_fail(p.tmp_path, "cannot chmod 600", e);
  }
  pending_[name] = std::move(p);
  return fd;
}

void inbox::abandon(const std::string& name, int fd) {
  if (fd >= 0) ::close(fd);
  auto it = pending_.find(name);
  if (it == pending_.end()) return;
  ::unlinkat(it->second.dir_fd, it->second.tmp.c_str(), 0);
  cli::unregister_temp_file(it->second.tmp_path);
  pending_.erase(it);
}

std::string inbox::commit(const std::string& name, int fd, std::uint64_t size, const std::string& remote,
                          std::string_view quarantine_reason) {
  auto it = pending_.find(name);
  if (it == pending_.end()) throw error(cli::exit_code::internal, "inbox commit without begin");
  const pending p = it->second;
  const bool quarantined = p.dir_fd != dir_fd_;
  std::string final_path = quarantined ? dir_ + "/quarantine/" + p.id + "/file" : dir_ + "/" + name;
  if (::fsync(fd) != 0) {
    int e = errno;
    abandon(name, fd);
    io_fail(final_path, "sync failed", e);
  }
  if (::close(fd) != 0) {
    int e = errno;
    abandon(name, -1);
    io_fail(final_path, "close failed", e);
  }
  int to_fd = p.dir_fd;
  std::string to_name = p.id;
  if (quarantined) {
    if (::mkdirat(p.dir_fd, p.id.c_str(), 0700) != 0) {
      int e = errno;
      abandon(name, -1);
      io_fail(dir_ + "/quarantine/" + p.id, "cannot create", e);
    }
    to_fd = ::openat(p.dir_fd, p.id.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (to_fd < 0) {
      int e = errno;
      abandon(name, -1);
      io_fail(dir_ + "/quarantine/" + p.id, "cannot open", e);
    }
    to_name = "file";
  }
  // linkat() refuses an existing name: a file already in the inbox is never replaced.
  if (::linkat(p.dir_fd, p.tmp.c_str(), to_fd, to_name.c_str(), 0) != 0) {
    int e = errno;
    if (to_fd != p.dir_fd) ::close(to_fd);
    abandon(name, -1);
    if (e == EEXIST) {
      throw file_error(fmt::format("{}: already exists in the inbox; not replaced", printable(final_path)));
    }
    io_fail(printable(final_path), "cannot create", e);
  }
  ::unlinkat(p.dir_fd, p.tmp.c_str(), 0);
  cli::unregister_temp_file(p.tmp_path);
  pending_.erase(name);

  std::string line;
  json::writer w(line);
  w.begin_object();
  w.key("name");
  w.string(name);
  w.key("size");
  w.integer(static_cast<std::int64_t>(size));
  w.key("remote");
  w.string(remote);
  w.key("fetched_at");
  w.string(dates::format_rfc3339(dates::now()));
  if (quarantined) {
    w.key("file");
    w.string(final_path);
    w.key("quarantined");
    w.string(quarantine_reason);
  }
  w.end_object();
  line.push_back('\n');
  if (quarantined) {
    // Beside the file, what it was called: the record a person reads.
    std::string note_path = dir_ + "/quarantine/" + p.id + "/name";
    int nfd = ::openat(to_fd, "name", O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (nfd < 0) {
      int e = errno;
      ::close(to_fd);
      io_fail(note_path, "cannot create", e);
    }
    try {
      write_all(nfd, line, note_path, "write failed");
    } catch (...) {
      ::close(nfd);
      ::close(to_fd);
      throw;
    }
    ::fsync(nfd);
    ::close(nfd);
    ::fsync(to_fd);
    ::close(to_fd);
  }
  ::fsync(p.dir_fd);
  write_all(state_fd_, line, record_, "cannot write fetch record");
  if (::fsync(state_fd_) != 0) io_fail(record_, "cannot sync fetch record", errno);
  names_.emplace(name, size);
  return final_path;
}

}  // namespace claimkit::sftp
