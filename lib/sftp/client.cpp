#include "sftp/client.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <algorithm>
#include <cerrno>
#include <cstring>

#include <curl/curl.h>
#include <fmt/format.h>

#include "core/error.hpp"

namespace claimkit::sftp {
namespace {

CURL* easy(void* p) { return static_cast<CURL*>(p); }

extern "C" int on_host_key(CURL*, const struct curl_khkey*, const struct curl_khkey*, enum curl_khmatch match,
                           void* clientp) {
  *static_cast<int*>(clientp) = static_cast<int>(match);
  // Only a key already in known_hosts is trusted: never add, never replace.
  return match == CURLKHMATCH_OK ? CURLKHSTAT_FINE : CURLKHSTAT_REJECT;
}

struct read_state {
  int fd;
  int err = 0;
  std::uint64_t bytes = 0;
};

extern "C" size_t on_read(char* buf, size_t size, size_t n, void* p) {
  auto* st = static_cast<read_state*>(p);
  for (;;) {
    ssize_t got = ::read(st->fd, buf, size * n);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      st->err = errno;
      return CURL_READFUNC_ABORT;
    }
    st->bytes += static_cast<std::uint64_t>(got);
    return static_cast<size_t>(got);
  }
}

struct write_state {
  int fd = -1;  // -1: collect into text
  std::string text;
  int err = 0;
  std::uint64_t bytes = 0;
};

extern "C" size_t on_write(char* data, size_t size, size_t n, void* p) {
  auto* st = static_cast<write_state*>(p);
  size_t len = size * n;
  st->bytes += len;
  if (st->fd < 0) {
    if (st->text.size() + len > (64u << 20)) return 0;  // a listing this large is not a directory we want
    st->text.append(data, len);
    return len;
  }
  size_t left = len;
  while (left > 0) {
    ssize_t w = ::write(st->fd, data, left);
    if (w < 0) {
      if (errno == EINTR) continue;
      st->err = errno;
      return 0;
    }
    data += w;
    left -= static_cast<size_t>(w);
  }
  return len;
}

std::string quoted(const std::string& path) { return "\"" + path + "\""; }

}  // namespace

bool parse_listing_line(std::string_view line, remote_file& out) {
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.remove_suffix(1);
  if (line.empty() || line.front() != '-') return false;
  // mode links user group size month day time-or-year name
  std::size_t pos = 0;
  std::string_view fields[8];
  for (auto& f : fields) {
    while (pos < line.size() && line[pos] == ' ') ++pos;
    std::size_t end = line.find(' ', pos);
    if (end == std::string_view::npos) return false;
    f = line.substr(pos, end - pos);
    pos = end;
  }
  if (pos >= line.size() || line[pos] != ' ') return false;
  std::string_view name = line.substr(pos + 1);
  if (name.empty()) return false;
  std::uint64_t size = 0;
  if (fields[4].empty()) return false;
  for (char c : fields[4]) {
    if (c < '0' || c > '9') return false;
    size = size * 10 + static_cast<std::uint64_t>(c - '0');
  }
  out.name = std::string(name);
  out.size = size;
  return true;
}

client::client(location where, connect_options opts) : where_(std::move(where)), opts_(std::move(opts)) {
  // The files are checked before the handle exists: a constructor that
  // throws runs no destructor to free it.
  struct stat st {};
  if (::stat(opts_.known_hosts.c_str(), &st) != 0) {
    throw error(cli::exit_code::usage,
                fmt::format("{}: cannot read known hosts file: {}; add the server's key with ssh-keyscan after "
                            "checking its fingerprint",
                            opts_.known_hosts, std::strerror(errno)));
  }
  if (!opts_.identity.empty()) {
    if (::stat(opts_.identity.c_str(), &st) != 0) {
      throw error(cli::exit_code::usage,
                  fmt::format("{}: cannot read identity file: {}", opts_.identity, std::strerror(errno)));
    }
    std::string pub = opts_.identity + ".pub";
    // An empty public key path lets libssh2 derive it from the private key.
    public_key_ = ::stat(pub.c_str(), &st) == 0 ? pub : std::string();
  }
  curl_ = curl_easy_init();
  if (curl_ == nullptr) throw error(cli::exit_code::internal, "cannot initialise libcurl");
}

client::~client() {
  if (curl_ != nullptr) curl_easy_cleanup(easy(curl_));
}

void client::prepare(const std::string& url) {
  CURL* c = easy(curl_);
  curl_easy_reset(c);
  errbuf_[0] = '\0';
  host_key_match_ = -1;
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "sftp");
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf_);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, opts_.connect_timeout);
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, opts_.stall_timeout);
  curl_easy_setopt(c, CURLOPT_SSH_KNOWNHOSTS, opts_.known_hosts.c_str());
  curl_easy_setopt(c, CURLOPT_SSH_KEYFUNCTION, on_host_key);
  curl_easy_setopt(c, CURLOPT_SSH_KEYDATA, &host_key_match_);
  curl_easy_setopt(c, CURLOPT_NEW_FILE_PERMS, 0600L);
  if (!opts_.identity.empty()) {
    curl_easy_setopt(c, CURLOPT_SSH_AUTH_TYPES, static_cast<long>(CURLSSH_AUTH_PUBLICKEY));
    curl_easy_setopt(c, CURLOPT_SSH_PRIVATE_KEYFILE, opts_.identity.c_str());
    curl_easy_setopt(c, CURLOPT_SSH_PUBLIC_KEYFILE, public_key_.c_str());
    if (!opts_.password.empty()) curl_easy_setopt(c, CURLOPT_KEYPASSWD, opts_.password.c_str());
  } else {
    curl_easy_setopt(c, CURLOPT_SSH_AUTH_TYPES, static_cast<long>(CURLSSH_AUTH_PASSWORD | CURLSSH_AUTH_KEYBOARD));
    if (!opts_.password.empty()) curl_easy_setopt(c, CURLOPT_PASSWORD, opts_.password.c_str());
  }
}

void client::perform(std::string_view action, const std::string& name) {
  CURLcode rc = curl_easy_perform(easy(curl_));
  if (rc == CURLE_OK) return;
  std::string host = where_.display();
  std::string detail = errbuf_[0] != '\0' ? std::string(errbuf_) : std::string(curl_easy_strerror(rc));
  if (host_key_match_ < 0 && detail.find("exchange encryption keys") != std::string::npos) {
    // libcurl offers only the key type known_hosts lists for the host; a
    // server that no longer has a key of that type has changed its key too.
    throw error(cli::exit_code::remote,
                fmt::format("{}: the server offers no host key of the type listed for it in {}: its key may have "
                            "changed; refusing to connect",
                            host, opts_.known_hosts));
  }
  switch (rc) {
    case CURLE_PEER_FAILED_VERIFICATION:
      if (host_key_match_ == CURLKHMATCH_MISMATCH) {
        throw error(cli::exit_code::remote,
                    fmt::format("{}: host key does not match the one in {}: it changed, or someone is in the "
                                "middle; refusing to connect",
                                host, opts_.known_hosts));
      }
      throw error(cli::exit_code::remote,
                  fmt::format("{}: host key is not in {}; refusing to connect", host, opts_.known_hosts));
    case CURLE_LOGIN_DENIED: throw error(cli::exit_code::remote, fmt::format("{}: authentication refused", host));
    case CURLE_REMOTE_FILE_NOT_FOUND:
    case CURLE_REMOTE_ACCESS_DENIED:
    case CURLE_QUOTE_ERROR:
    case CURLE_REMOTE_FILE_EXISTS:
    case CURLE_REMOTE_DISK_FULL:
    case CURLE_PARTIAL_FILE:
      throw file_error(fmt::format("{} {}: {}", action, name.empty() ? where_.dir : name, detail));
    case CURLE_WRITE_ERROR:
    case CURLE_READ_ERROR:
    case CURLE_ABORTED_BY_CALLBACK:
      throw error(cli::exit_code::io, fmt::format("{} {}: local file error: {}", action, name, detail));
    default: throw error(cli::exit_code::remote, fmt::format("{}: {} failed: {}", host, action, detail));
  }
}

std::uint64_t client::upload(const std::string& local_path, const std::string& name) {
  int fd = ::open(local_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw error(cli::exit_code::io, fmt::format("{}: cannot open: {}", local_path, std::strerror(errno)));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    throw file_error(fmt::format("{}: not a regular file", local_path));
  }
  std::string temp = "." + name + ".part";
  prepare(where_.url(temp));
  CURL* c = easy(curl_);
  read_state rs{fd};
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read);
  curl_easy_setopt(c, CURLOPT_READDATA, &rs);
  curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(st.st_size));
  // The rename runs on the server right after the upload; SFTP renames never
  // replace an existing file, so a batch already there is left alone.
  std::string rename_cmd = fmt::format("rename {} {}", quoted(where_.path(temp)), quoted(where_.path(name)));
  curl_slist* post = curl_slist_append(nullptr, rename_cmd.c_str());
  curl_easy_setopt(c, CURLOPT_POSTQUOTE, post);
  try {
    perform("upload", name);
  } catch (const file_error&) {
    curl_slist_free_all(post);
    ::close(fd);
    // Leave no partial or orphaned temporary file behind on the server.
    try {
      quote({fmt::format("rm {}", quoted(where_.path(temp)))}, "remove", temp);
    } catch (const file_error&) {
    }
    throw file_error(fmt::format("upload {}: not stored (the name may already exist on the server)", name));
  } catch (...) {
    curl_slist_free_all(post);
    ::close(fd);
    throw;
  }
  curl_slist_free_all(post);
  ::close(fd);
  if (rs.bytes != static_cast<std::uint64_t>(st.st_size)) {
    throw file_error(fmt::format("upload {}: file changed size while it was sent", name));
  }
  return rs.bytes;
}

std::vector<remote_file> client::list() {
  prepare(where_.url());
  CURL* c = easy(curl_);
  write_state ws;
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_write);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &ws);
  try {
    perform("list", {});
  } catch (const file_error&) {
    throw error(cli::exit_code::remote, fmt::format("{}: cannot list the directory", where_.display()));
  }
  std::vector<remote_file> files;
  std::string_view text = ws.text;
  while (!text.empty()) {
    std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    remote_file f;
    if (parse_listing_line(line, f) && f.name.front() != '.') files.push_back(std::move(f));
  }
  std::sort(files.begin(), files.end(), [](const remote_file& a, const remote_file& b) { return a.name < b.name; });
  return files;
}

std::uint64_t client::download(const std::string& name, std::uint64_t expected_size, int fd) {
  prepare(where_.url(name));
  CURL* c = easy(curl_);
  write_state ws;
  ws.fd = fd;
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_write);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &ws);
  perform("download", name);
  if (ws.err != 0) {
    throw error(cli::exit_code::io, fmt::format("download {}: local write failed: {}", name, std::strerror(ws.err)));
  }
  curl_off_t announced = -1;
  curl_easy_getinfo(c, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &announced);
  if (ws.bytes != expected_size || (announced >= 0 && static_cast<std::uint64_t>(announced) != ws.bytes)) {
    throw file_error(
        fmt::format("download {}: got {} bytes, the server listed {}; the file may still be "
                    "being written, it is tried again next run",
                    name, ws.bytes, expected_size));
  }
  return ws.bytes;
}

void client::quote(const std::vector<std::string>& commands, std::string_view action, const std::string& name) {
  prepare(where_.url());
  CURL* c = easy(curl_);
  curl_slist* list = nullptr;
  for (const auto& cmd : commands) list = curl_slist_append(list, cmd.c_str());
  curl_easy_setopt(c, CURLOPT_QUOTE, list);
  curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
  try {
    perform(action, name);
  } catch (...) {
    curl_slist_free_all(list);
    throw;
  }
  curl_slist_free_all(list);
}

void client::remove(const std::string& name) {
  quote({fmt::format("rm {}", quoted(where_.path(name)))}, "delete", name);
}

void client::move(const std::string& name, const std::string& to_dir) {
  std::string dir = to_dir.empty() || to_dir.front() == '/' ? to_dir : where_.dir + to_dir;
  if (dir.empty() || dir.back() != '/') dir.push_back('/');
  quote({fmt::format("rename {} {}", quoted(where_.path(name)), quoted(dir + name))}, "move", name);
}

}  // namespace claimkit::sftp
