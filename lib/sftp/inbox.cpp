#include "sftp/inbox.hpp"

#include <cerrno>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

#include <fmt/format.h>

#include "cli/tool.hpp"
#include "core/error.hpp"
#include "sftp/client.hpp"
#include "json/scan.hpp"
#include "json/writer.hpp"

namespace claimkit::sftp {
namespace {

[[noreturn]] void io_fail(const std::string& path, std::string_view what, int e) {
  throw error(cli::exit_code::io, fmt::format("{}: {}: {}", path, what, std::strerror(e)));
}

void sync_dir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

std::string now_rfc3339() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                     tm.tm_min, tm.tm_sec);
}

}  // namespace

inbox::inbox(std::string dir) : dir_(std::move(dir)) {
  while (dir_.size() > 1 && dir_.back() == '/') dir_.pop_back();
  struct stat st {};
  if (::stat(dir_.c_str(), &st) != 0) io_fail(dir_, "cannot use as inbox", errno);
  if (!S_ISDIR(st.st_mode)) throw error(cli::exit_code::io, fmt::format("{}: not a directory", dir_));
  std::string state = dir_ + "/" + kStateName;
  state_fd_ = ::open(state.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (state_fd_ < 0) io_fail(state, "cannot open fetch record", errno);
  ::fchmod(state_fd_, 0600);
  if (::flock(state_fd_, LOCK_EX | LOCK_NB) != 0) {
    int e = errno;
    ::close(state_fd_);
    state_fd_ = -1;
    if (e == EWOULDBLOCK) {
      throw error(cli::exit_code::io, fmt::format("{}: another fetch into this inbox is running", dir_));
    }
    io_fail(state, "cannot lock fetch record", e);
  }
  std::string text;
  char buf[65536];
  for (;;) {
    ssize_t n = ::pread(state_fd_, buf, sizeof buf, static_cast<off_t>(text.size()));
    if (n < 0) {
      if (errno == EINTR) continue;
      io_fail(state, "cannot read fetch record", errno);
    }
    if (n == 0) break;
    text.append(buf, static_cast<std::size_t>(n));
  }
  std::vector<json::member> ms;
  json::scan_error err;
  std::string name;
  std::string_view rest = text;
  while (!rest.empty()) {
    std::size_t nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    // A line cut short by a crash is ignored: its file is fetched again.
    if (line.empty() || !json::scan_object(line, ms, err)) continue;
    const json::member* m = json::find(ms, "name");
    if (m == nullptr || m->kind != json::kind::string) continue;
    json::unescape(m->value.substr(1, m->value.size() - 2), name);
    names_.insert(name);
  }
}

inbox::~inbox() {
  if (state_fd_ >= 0) ::close(state_fd_);
}

int inbox::begin(const std::string& name) {
  std::string tmp = temp_path(name);
  ::unlink(tmp.c_str());  // left by an interrupted run holding the same lock
  // Registered before it exists, so a signal cannot fall between creation
  // and registration (the inbox lock makes the name ours).
  cli::register_temp_file(tmp);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    int e = errno;
    cli::unregister_temp_file(tmp);
    io_fail(tmp, "cannot create", e);
  }
  ::fchmod(fd, 0600);
  return fd;
}

void inbox::abandon(const std::string& name, int fd) {
  std::string tmp = temp_path(name);
  if (fd >= 0) ::close(fd);
  ::unlink(tmp.c_str());
  cli::unregister_temp_file(tmp);
}

std::string inbox::commit(const std::string& name, int fd, std::uint64_t size, const std::string& remote) {
  std::string tmp = temp_path(name);
  std::string final_path = dir_ + "/" + name;
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
  // link() refuses an existing name: a file already in the inbox is never replaced.
  if (::link(tmp.c_str(), final_path.c_str()) != 0) {
    int e = errno;
    abandon(name, -1);
    if (e == EEXIST) throw file_error(fmt::format("{}: already exists in the inbox; not replaced", final_path));
    io_fail(final_path, "cannot create", e);
  }
  ::unlink(tmp.c_str());
  cli::unregister_temp_file(tmp);
  sync_dir(dir_);

  std::string line;
  json::writer w(line);
  w.begin_object();
  w.key("name"); w.string(name);
  w.key("size"); w.integer(static_cast<std::int64_t>(size));
  w.key("remote"); w.string(remote);
  w.key("fetched_at"); w.string(now_rfc3339());
  w.end_object();
  line.push_back('\n');
  std::string_view left = line;
  while (!left.empty()) {
    ssize_t n = ::write(state_fd_, left.data(), left.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      io_fail(dir_ + "/" + kStateName, "cannot write fetch record", errno);
    }
    left.remove_prefix(static_cast<std::size_t>(n));
  }
  if (::fsync(state_fd_) != 0) io_fail(dir_ + "/" + kStateName, "cannot sync fetch record", errno);
  names_.insert(name);
  return final_path;
}

}  // namespace claimkit::sftp
