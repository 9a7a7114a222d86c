#include "auth/credentials.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include "core/error.hpp"

namespace claimkit::auth {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

}  // namespace

config_file config_file::load(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    throw error(cli::exit_code::io, fmt::format("cannot open config file {}: {}", path, std::strerror(errno)));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    throw error(cli::exit_code::io, fmt::format("config file {} is not a regular file", path));
  }
  // It holds secrets: like ssh with a private key, refuse it when others may read or change it.
  if ((st.st_mode & 077) != 0) {
    ::close(fd);
    throw error(cli::exit_code::usage,
                fmt::format("config file {} is accessible by group or others (mode {:04o}); run chmod 600 on it",
                            path, st.st_mode & 07777));
  }
  std::string text;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      ::close(fd);
      throw error(cli::exit_code::io, fmt::format("cannot read config file {}: {}", path, std::strerror(e)));
    }
    if (n == 0) break;
    text.append(buf, static_cast<std::size_t>(n));
    if (text.size() > (1u << 20)) {
      ::close(fd);
      throw error(cli::exit_code::io, fmt::format("config file {} is larger than 1 MiB", path));
    }
  }
  ::close(fd);

  config_file cf;
  cf.path_ = path;
  std::string section;
  std::size_t line_no = 0;
  std::string_view rest = text;
  while (!rest.empty()) {
    auto nl = rest.find('\n');
    std::string_view line = trim(rest.substr(0, nl));
    rest = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);
    ++line_no;
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    if (line.front() == '[') {
      if (line.back() != ']') throw error(cli::exit_code::usage, fmt::format("{}:{}: unterminated section header", path, line_no));
      section = std::string(trim(line.substr(1, line.size() - 2)));
      continue;
    }
    auto eq = line.find('=');
    if (eq == std::string_view::npos) {
      throw error(cli::exit_code::usage, fmt::format("{}:{}: expected key = value", path, line_no));
    }
    std::string key = section.empty() ? std::string(trim(line.substr(0, eq)))
                                      : section + "." + std::string(trim(line.substr(0, eq)));
    std::string_view value = trim(line.substr(eq + 1));
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') && value.back() == value.front()) {
      value = value.substr(1, value.size() - 2);
    }
    cf.values_[key] = std::string(value);
  }
  return cf;
}

std::optional<std::string> config_file::get(std::string_view section, std::string_view key) const {
  std::string k = std::string(section) + "." + std::string(key);
  auto it = values_.find(k);
  if (it == values_.end() || it->second.empty()) return std::nullopt;
  return it->second;
}

std::string default_config_path() {
  if (const char* p = std::getenv("CLAIMKIT_CONFIG"); p != nullptr && *p != '\0') return p;
  if (const char* x = std::getenv("XDG_CONFIG_HOME"); x != nullptr && *x == '/') {
    return std::string(x) + "/claimkit/config";
  }
  if (const char* h = std::getenv("HOME"); h != nullptr && *h != '\0') return std::string(h) + "/.config/claimkit/config";
  return {};
}

const config_file* credential_source::file() {
  if (!loaded_) {
    loaded_ = true;
    if (!explicit_path_.empty()) {
      file_ = config_file::load(explicit_path_);
    } else {
      std::string p = default_config_path();
      struct stat st {};
      if (!p.empty() && ::stat(p.c_str(), &st) == 0) file_ = config_file::load(p);
    }
  }
  return file_ ? &*file_ : nullptr;
}

std::optional<std::string> credential_source::get(const char* env_name, std::string_view section, std::string_view key) {
  if (const char* v = std::getenv(env_name); v != nullptr && *v != '\0') return std::string(v);
  if (const config_file* f = file()) return f->get(section, key);
  return std::nullopt;
}

std::string credential_source::require(const char* env_name, std::string_view section, std::string_view key) {
  if (auto v = get(env_name, section, key)) return *v;
  throw error(cli::exit_code::usage,
              fmt::format("no credential: set {} or `{}` in section [{}] of the config file", env_name, key, section));
}

}  // namespace claimkit::auth
