#pragma once

#include <string>
#include <string_view>

namespace claimkit::sftp {

/// A remote directory: sftp://user@host[:port]/dir/. A password in the URL
/// is refused, so credentials never travel on a command line.
struct location {
  std::string user;
  std::string host;  // without brackets for IPv6 literals
  int port = 22;
  std::string dir;  // decoded absolute path ending in '/'; "/~/" is the home directory

  /// sftp://host:port/dir/ (no user): for output records and messages.
  std::string display() const;
  /// The URL of dir + name (percent-encoded path), with the user.
  std::string url(std::string_view name = {}) const;
  /// dir + name as a path for SFTP commands (decoded).
  std::string path(std::string_view name = {}) const { return dir + std::string(name); }
};

/// Parses an sftp:// URL of a directory (a missing final '/' is added).
/// Throws claimkit::error with exit 2 when it is not one.
location parse_location(std::string_view url);

/// True when name can be used as a file name on both ends: not empty, not
/// "." or "..", no '/', no control characters, no '"' or '\\' (SFTP
/// command quoting).
bool safe_file_name(std::string_view name);

/// name with every control character, backslash and byte outside printable
/// ASCII written as \xHH: a name from outside, safe to print on one line.
std::string printable(std::string_view name);

}  // namespace claimkit::sftp
