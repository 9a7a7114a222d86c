#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>

namespace claimkit::sftp {

/// A local directory that fetched files land in, with the record of what
/// was fetched already (NDJSON, mode 0600; DIR/.claimkit-fetched unless
/// another path is given). The record is locked for the whole run, so two
/// fetches into one inbox cannot download the same file twice.
///
/// Others may write into the directory (an SFTP drop): it is checked once
/// (a real directory owned by the user, not writable by group or others
/// unless sticky) and every file is then made relative to that checked
/// descriptor with O_NOFOLLOW, so a planted symlink is refused, never
/// followed.
class inbox {
 public:
  /// Opens dir (which must exist) and locks the record; throws
  /// claimkit::error: exit 2 when the directory or the record is unsafe
  /// (a symlink, another owner, writable by others), exit 3 when it cannot
  /// be used or another run holds it.
  explicit inbox(std::string dir, std::string record_path = {});
  ~inbox();
  inbox(const inbox&) = delete;
  inbox& operator=(const inbox&) = delete;

  /// True when name was fetched before with this size: a file of the same
  /// name but another size (an intact copy of a cut-off download) is new.
  bool fetched(const std::string& name, std::uint64_t size) const;
  /// Why name cannot be a file name here ("" when it can): control
  /// characters, '/', too long for this file system.
  std::string unusable(std::string_view name) const;

  /// Creates the temporary file for name (.name.part in DIR, or for a
  /// quarantined file in DIR/quarantine/), 0600, registered for removal on
  /// SIGINT; returns its descriptor.
  int begin(const std::string& name, bool quarantine = false);
  /// Syncs and closes fd and gives the file its final name (never replacing
  /// an existing one), then records it as fetched. A quarantined file goes
  /// to DIR/quarantine/ID/file with DIR/quarantine/ID/name holding the
  /// original name (escaped, as JSON) and the reason. Returns the final path.
  std::string commit(const std::string& name, int fd, std::uint64_t size, const std::string& remote,
                     std::string_view quarantine_reason = {});
  /// Drops the temporary file after a failed download.
  void abandon(const std::string& name, int fd);

  static constexpr const char* kStateName = ".claimkit-fetched";

 private:
  int quarantine_fd();
  std::string dir_;
  std::string record_;
  int dir_fd_ = -1;
  int quarantine_fd_ = -1;
  int state_fd_ = -1;
  long name_max_ = 255;
  unsigned serial_ = 0;
  struct pending {
    int dir_fd;       // dir_fd_ or the quarantine directory
    std::string id;   // the final name (quarantine: the generated id)
    std::string tmp;  // the temporary name in dir_fd
    std::string tmp_path;
  };
  std::map<std::string, pending> pending_;
  std::set<std::pair<std::string, std::uint64_t>> names_;  // size kAnySize: a record line without one
};

}  // namespace claimkit::sftp
