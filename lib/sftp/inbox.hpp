#pragma once

#include <cstdint>
#include <set>
#include <string>

namespace claimkit::sftp {

/// A local directory that fetched files land in, with the record of what
/// was fetched already (DIR/.claimkit-fetched, NDJSON, mode 0600). The record
/// is locked for the whole run, so two fetches into one inbox cannot
/// download the same file twice.
class inbox {
 public:
  /// Opens dir (which must exist) and locks its record; throws
  /// claimkit::error (exit 3) when it cannot, or when another run holds it.
  explicit inbox(std::string dir);
  ~inbox();
  inbox(const inbox&) = delete;
  inbox& operator=(const inbox&) = delete;

  bool fetched(const std::string& name) const { return names_.count(name) != 0; }
  /// Creates the temporary file for name (DIR/.name.part, 0600, registered
  /// for removal on SIGINT); returns its descriptor.
  int begin(const std::string& name);
  /// Syncs and closes fd and gives the file its final name (never replacing
  /// an existing one), then records it as fetched. Returns the final path.
  std::string commit(const std::string& name, int fd, std::uint64_t size, const std::string& remote);
  /// Drops the temporary file after a failed download.
  void abandon(const std::string& name, int fd);

  static constexpr const char* kStateName = ".claimkit-fetched";

 private:
  std::string temp_path(const std::string& name) const { return dir_ + "/." + name + ".part"; }
  std::string dir_;
  int state_fd_ = -1;
  std::set<std::string> names_;
};

}  // namespace claimkit::sftp
