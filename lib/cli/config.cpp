#include "cli/config.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

#include "core/error.hpp"

namespace claimkit::cli {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool is_name(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

[[noreturn]] void bad_line(const std::string& name, std::size_t line, std::string_view what) {
  throw error(exit_code::usage, fmt::format("{}:{}: {}", name, line, what));
}

}  // namespace

std::string expand_home(const std::string& path) {
  if (path.size() >= 2 && path[0] == '~' && path[1] == '/') {
    const char* home = std::getenv("HOME");
    if (home != nullptr && *home != '\0') return std::string(home) + path.substr(1);
  }
  return path;
}

std::string default_config_path() {
  const char* env = std::getenv("CLAIMKIT_CONFIG");
  if (env != nullptr && *env != '\0') return env;
  const char* xdg = std::getenv("XDG_CONFIG_HOME");
  if (xdg != nullptr && *xdg == '/') return std::string(xdg) + "/claimkit/config";
  const char* home = std::getenv("HOME");
  if (home == nullptr || *home == '\0') return {};
  return std::string(home) + "/.config/claimkit/config";
}

config config::parse(std::string_view text, const std::string& name) {
  config c;
  c.path_ = name;
  std::string section;
  std::size_t line_no = 0;
  while (!text.empty()) {
    std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    ++line_no;
    line = trim(line);
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    if (line.front() == '[') {
      if (line.back() != ']') bad_line(name, line_no, "section header must end with ']'");
      std::string_view s = trim(line.substr(1, line.size() - 2));
      if (!is_name(s)) bad_line(name, line_no, "section name must be lowercase letters, digits, '_', '-' or '.'");
      section = s;
      continue;
    }
    std::size_t eq = line.find('=');
    if (eq == std::string_view::npos) bad_line(name, line_no, "expected 'key = value'");
    std::string_view key = trim(line.substr(0, eq));
    std::string_view value = trim(line.substr(eq + 1));
    if (!is_name(key)) bad_line(name, line_no, "key must be lowercase letters, digits, '_', '-' or '.'");
    if (section.empty()) bad_line(name, line_no, "key outside of a [section]");
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
    std::string full = section + "." + std::string(key);
    if (c.values_.count(full) != 0) bad_line(name, line_no, fmt::format("duplicate key '{}' in [{}]", key, section));
    c.values_.emplace(std::move(full), std::string(value));
  }
  return c;
}

config config::load(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw error(exit_code::io, fmt::format("{}: cannot open config: {}", path, std::strerror(errno)));
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    int e = errno;
    ::close(fd);
    throw error(exit_code::io, fmt::format("{}: cannot stat config: {}", path, std::strerror(e)));
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    throw error(exit_code::io, fmt::format("{}: config file is not a regular file", path));
  }
  // The file may hold API secrets and SFTP settings: like ssh, refuse it when
  // anyone but the owner can read or change it.
  if ((st.st_mode & 0066) != 0) {
    ::close(fd);
    throw error(exit_code::usage,
                fmt::format("{}: config file is readable or writable by group or others (mode {:04o}); "
                            "run chmod 600 on it",
                            path, st.st_mode & 07777));
  }
  std::string text;
  char buf[8192];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      ::close(fd);
      throw error(exit_code::io, fmt::format("{}: cannot read config: {}", path, std::strerror(e)));
    }
    if (n == 0) break;
    text.append(buf, static_cast<std::size_t>(n));
    if (text.size() > (1u << 20)) {
      ::close(fd);
      throw error(exit_code::usage, fmt::format("{}: config file larger than 1 MiB", path));
    }
  }
  ::close(fd);
  return parse(text, path);
}

config config::load_default(const std::string& explicit_path) {
  if (!explicit_path.empty()) return load(expand_home(explicit_path));
  std::string p = default_config_path();
  if (p.empty()) return {};
  struct stat st {};
  if (::stat(p.c_str(), &st) != 0 && errno == ENOENT) return {};
  return load(p);
}

std::optional<std::string> config::get(std::string_view section, std::string_view key) const {
  std::string full;
  full.reserve(section.size() + key.size() + 1);
  full.append(section).push_back('.');
  full.append(key);
  auto it = values_.find(full);
  if (it == values_.end() || it->second.empty()) return std::nullopt;
  return it->second;
}

std::string config::get_or(std::string_view section, std::string_view key, std::string_view fallback) const {
  auto v = get(section, key);
  return v ? *v : std::string(fallback);
}

std::string config::setting(const std::string& option, std::string_view section, std::string_view key,
                            std::string_view fallback) const {
  return option.empty() ? get_or(section, key, fallback) : option;
}

}  // namespace claimkit::cli
