#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "sftp/location.hpp"

namespace claimkit::sftp {

/// How to reach and trust the server. Credentials come from a key file or
/// the environment, never from the command line.
struct connect_options {
  std::string known_hosts;    // host keys trusted; an unknown or changed key is refused
  std::string identity;       // private key file; empty: password authentication
  std::string password;       // CLAIMKIT_SFTP_PASSWORD (or the key's passphrase with identity)
  long connect_timeout = 30;  // seconds
  long stall_timeout = 60;    // seconds without a byte moving
};

/// A problem with one file (the others can still go): a name already taken
/// on the server, a download whose size does not match. Connection, host
/// key and authentication failures are claimkit::error with exit 4 instead.
class file_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct remote_file {
  std::string name;
  std::uint64_t size = 0;
};

/// One SFTP connection (libcurl reuses it between calls) to one directory.
class client {
 public:
  client(location where, connect_options opts);
  ~client();
  client(const client&) = delete;
  client& operator=(const client&) = delete;

  /// Uploads a local file as dir/.name.part and renames it to dir/name, so
  /// readers on the server never see a partial file. Refuses to replace an
  /// existing name. Returns the bytes sent.
  std::uint64_t upload(const std::string& local_path, const std::string& name);
  /// Regular files in the directory, except names starting with '.' (files
  /// still being written by convention). Sorted by name.
  std::vector<remote_file> list();
  /// Downloads dir/name into the open descriptor fd and checks that the
  /// byte count matches expected_size. Returns the bytes received.
  std::uint64_t download(const std::string& name, std::uint64_t expected_size, int fd);
  /// Deletes dir/name.
  void remove(const std::string& name);
  /// Moves dir/name into to_dir (absolute, or relative to dir).
  void move(const std::string& name, const std::string& to_dir);

  const location& where() const { return where_; }

 private:
  void prepare(const std::string& url);
  /// Runs the transfer; throws claimkit::error for connection-level failures.
  void perform(std::string_view action, const std::string& name);
  void quote(const std::vector<std::string>& commands, std::string_view action, const std::string& name);

  location where_;
  connect_options opts_;
  void* curl_ = nullptr;
  int host_key_match_ = -1;
  char errbuf_[256] = {};
  std::string public_key_;
};

/// Parses one line of an SFTP long listing ("-rw-r--r-- 1 u g 123 Nov 23
/// 06:00 name"); false when it is not a regular file.
bool parse_listing_line(std::string_view line, remote_file& out);

}  // namespace claimkit::sftp
