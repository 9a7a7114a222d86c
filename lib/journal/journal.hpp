#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace claimkit::ledger {
class database;
class statement;
}  // namespace claimkit::ledger

namespace claimkit::journal {

/// Where a record stands with a target.
///  intent: it may have been sent (recorded, durably, before sending);
///  done:   the target confirmed it;
///  failed: the target refused it, so it was certainly not applied.
enum class state { none, intent, done, failed };

std::string_view to_string(state s);

/// The exactly-once journal: a small SQLite file (WAL, synchronous=FULL, so
/// every committed mark survives kill -9 and power loss) holding, per target
/// and idempotency key, the last mark. It stores no claim ids or other record
/// values: only keys, target names, counts and times. Safe to share between
/// threads (one connection behind a mutex).
class journal {
 public:
  /// Opens (creating 0600, and its directory 0700, unless read_only) the
  /// journal at path. A read_only journal that does not exist is empty.
  /// A writable journal is held exclusively (PATH.lock) for the life of the
  /// object: two overlapping runs (cron) would each send what the other has
  /// marked intent but not yet done. The second one fails (exit 3).
  explicit journal(const std::string& path, bool read_only = false);
  ~journal();
  journal(const journal&) = delete;
  journal& operator=(const journal&) = delete;

  state get(std::string_view target, std::string_view key);
  /// Marks before a send; one durable commit for all keys.
  void mark_intent(std::string_view target, const std::vector<std::string>& keys);
  void mark_done(std::string_view target, const std::vector<std::string>& keys, int http_status = 0);
  void mark_failed(std::string_view target, const std::vector<std::string>& keys, int http_status = 0);
  void mark(std::string_view target, std::string_view key, state s, int http_status = 0);
  /// Several marks of any kind in one durable commit (one fsync): a run over
  /// HTTP puts the done marks of finished requests and the intents of the
  /// next ones together.
  struct entry {
    std::string key;
    state to = state::intent;
    int http_status = 0;
  };
  void mark_all(std::string_view target, const std::vector<entry>& marks);

  const std::string& path() const { return path_; }

 private:
  void set(std::string_view target, const std::vector<std::string>& keys, state s, int http_status);
  std::mutex mu_;
  std::string path_;
  int lock_fd_ = -1;
  std::unique_ptr<ledger::database> db_;
  std::unique_ptr<ledger::statement> get_, set_;
};

/// $XDG_STATE_HOME/claimkit/journal, or ~/.local/state/claimkit/journal
/// when XDG_STATE_HOME is unset or not absolute: where the default journals
/// live. claimkit::error (usage) when neither variable gives a place.
std::string default_dir();

/// The default journal of one target: default_dir()/KIND-HASH.journal, HASH
/// being 16 bytes of SHA-256 (hex) over the target's identity (where its
/// writes land: the ledger's canonical path, the athenaOne base URL and
/// practice, the NextGen base URL, enterprise and practice, the webhook URL).
/// Every entry point that pushes to the same target gets the same journal,
/// so a replay through any of them is exactly once.
std::string default_path(std::string_view target_kind, std::string_view target_identity);

/// $XDG_STATE_HOME/claimkit/pm-push.journal (or under ~/.local/state): the
/// one journal earlier versions shared by default for every target. Read,
/// never written, so what was pushed before an upgrade stays pushed.
std::string earlier_default_path();

/// Refuses (claimkit::error, exit 3) a default journal directory that is a
/// symbolic link, not a directory or owned by another user: default_dir()
/// and its parent, when they exist. The journal file itself is checked on
/// open, wherever it is.
void check_default_dir();

/// Creates dir and its missing parents with mode 0700.
void make_private_dirs(const std::string& dir);

}  // namespace claimkit::journal
