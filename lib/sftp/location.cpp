#include "sftp/location.hpp"

#include <fmt/format.h>

#include "core/error.hpp"
#include "http/escape.hpp"

namespace claimkit::sftp {
namespace {

[[noreturn]] void bad(std::string_view why) {
  throw error(cli::exit_code::usage, fmt::format("remote location: {} (want sftp://user@host[:port]/dir/)", why));
}

std::string decode(std::string_view s) {
  auto d = http::percent_decode(s);
  if (!d) bad("bad percent escape");
  return std::move(*d);
}

// Each segment encoded, the slashes between them kept.
void encode_path(std::string& out, std::string_view path) {
  for (std::size_t slash; (slash = path.find('/')) != std::string_view::npos; path.remove_prefix(slash + 1)) {
    out += http::percent_encode(path.substr(0, slash));
    out.push_back('/');
  }
  out += http::percent_encode(path);
}

}  // namespace

bool safe_file_name(std::string_view name) {
  if (name.empty() || name == "." || name == "..") return false;
  for (char c : name) {
    auto u = static_cast<unsigned char>(c);
    if (c == '/' || c == '"' || c == '\\' || u < 0x20 || u == 0x7f) return false;
  }
  return true;
}

std::string printable(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  for (char c : name) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7f || c == '\\') {
      out += fmt::format("\\x{:02x}", u);
    } else {
      out.push_back(c);
    }
  }
  return out;
}

location parse_location(std::string_view url) {
  constexpr std::string_view kScheme = "sftp://";
  if (url.substr(0, kScheme.size()) != kScheme) bad("not an sftp:// URL");
  std::string_view rest = url.substr(kScheme.size());
  std::size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? std::string_view("/") : rest.substr(slash);
  location loc;
  std::size_t at = authority.rfind('@');
  if (at != std::string_view::npos) {
    std::string_view user = authority.substr(0, at);
    if (user.find(':') != std::string_view::npos) {
      bad("a password in the URL is not accepted; use --identity or CLAIMKIT_SFTP_PASSWORD");
    }
    loc.user = decode(user);
    authority = authority.substr(at + 1);
  }
  std::string_view port;
  bool has_port = false;
  if (!authority.empty() && authority.front() == '[') {
    std::size_t close = authority.find(']');
    if (close == std::string_view::npos) bad("unclosed '[' in host");
    loc.host = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') bad("junk after host");
      port = after.substr(1);
      has_port = true;
    }
  } else {
    std::size_t colon = authority.find(':');
    loc.host = authority.substr(0, colon);
    if (colon != std::string_view::npos) {
      port = authority.substr(colon + 1);
      has_port = true;
    }
  }
  if (loc.host.empty()) bad("no host");
  if (has_port) {
    int p = 0;
    if (port.empty() || port.size() > 5) bad("bad port");
    for (char c : port) {
      if (c < '0' || c > '9') bad("bad port");
      p = p * 10 + (c - '0');
    }
    if (p < 1 || p > 65535) bad("bad port");
    loc.port = p;
  }
  if (path.find_first_of("?#") != std::string_view::npos) bad("query or fragment in URL");
  loc.dir = decode(path);
  if (loc.dir.empty() || loc.dir.back() != '/') loc.dir.push_back('/');
  for (char c : loc.dir) {
    if (c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20) bad("unsupported character in path");
  }
  return loc;
}

std::string location::display() const {
  std::string s = "sftp://";
  s += host.find(':') != std::string::npos ? "[" + host + "]" : host;
  if (port != 22) s += fmt::format(":{}", port);
  encode_path(s, dir);
  return s;
}

std::string location::url(std::string_view name) const {
  std::string s = "sftp://";
  if (!user.empty()) {
    s += http::percent_encode(user);
    s.push_back('@');
  }
  s += host.find(':') != std::string::npos ? "[" + host + "]" : host;
  s += fmt::format(":{}", port);
  encode_path(s, dir);
  encode_path(s, name);
  return s;
}

}  // namespace claimkit::sftp
