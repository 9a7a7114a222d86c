#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
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

/// The exactly-once marks: per target and idempotency key, the last mark.
/// They hold no claim ids or other record values: only keys, target names,
/// counts and times. Where they live is up to the implementation: a journal
/// file of its own (file_journal), or a table in the target's own store,
/// written in the same transaction as the target's writes (a target's
/// own_journal()). Implementations are safe to share between threads.
class journal {
 public:
  virtual ~journal() = default;
  journal(const journal&) = delete;
  journal& operator=(const journal&) = delete;

  virtual state get(std::string_view target, std::string_view key) = 0;
  /// Marks before a send; one durable commit for all keys.
  virtual void mark_intent(std::string_view target, const std::vector<std::string>& keys) = 0;
  virtual void mark_done(std::string_view target, const std::vector<std::string>& keys, int http_status = 0) = 0;
  virtual void mark_failed(std::string_view target, const std::vector<std::string>& keys, int http_status = 0) = 0;
  virtual void mark(std::string_view target, std::string_view key, state s, int http_status = 0) = 0;
  /// Several marks of any kind in one durable commit (one fsync): a run over
  /// HTTP puts the done marks of finished requests and the intents of the
  /// next ones together.
  struct entry {
    std::string key;
    state to = state::intent;
    int http_status = 0;
  };
  virtual void mark_all(std::string_view target, const std::vector<entry>& marks) = 0;
  /// Tells the journal which keys get() is about to be asked for, so that
  /// marks kept across a network are read in one query rather than one per
  /// key; the default does nothing.
  virtual void prefetch(std::string_view /*target*/, const std::vector<std::string_view>& /*keys*/) {}

  /// Where the marks live (a file path), for messages.
  virtual const std::string& path() const = 0;

 protected:
  journal() = default;
};

/// The marks of a chunk's keys, read ahead by a journal kept in SQLite (the
/// journal file, the ledger's rows) in one read transaction: each lookup on
/// its own is a transaction of its own, and its WAL lock calls (fcntl) were
/// 6 % of pm-push's profile (100,000 statuses) and 21,000 system calls for
/// 300 inbox files. Kept until the next fill() or clear() (any mark).
class read_ahead {
 public:
  /// lookup reads one mark from the database.
  using lookup_fn = std::function<state(std::string_view target, std::string_view key)>;
  explicit read_ahead(lookup_fn lookup) : lookup_(std::move(lookup)) {}
  /// Looks up every key inside one transaction of db (none when db already
  /// has one open: the caller's transaction serves); on an error keeps
  /// nothing, and get() looks each key up itself.
  void fill(ledger::database& db, std::string_view target, const std::vector<std::string_view>& keys);
  /// The mark read ahead for key under target, else looked up now.
  state get(std::string_view target, std::string_view key) const;
  void clear() { marks_.clear(); }

 private:
  // Found by the caller's string_view: no key copied per lookup.
  struct key_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  lookup_fn lookup_;
  std::string target_;
  std::unordered_map<std::string, state, key_hash, std::equal_to<>> marks_;
};

/// The journal file: a small SQLite file (WAL, synchronous=FULL, so every
/// committed mark survives kill -9 and power loss). One connection behind a
/// mutex.
class file_journal final : public journal {
 public:
  /// Opens (creating 0600, and its directory 0700, unless read_only) the
  /// journal at path. A read_only journal that does not exist is empty.
  /// A writable journal is held exclusively (PATH.lock) for the life of the
  /// object: two overlapping runs (cron) would each send what the other has
  /// marked intent but not yet done. The second one fails (exit 3).
  explicit file_journal(const std::string& path, bool read_only = false);
  ~file_journal() override;

  state get(std::string_view target, std::string_view key) override;
  void prefetch(std::string_view target, const std::vector<std::string_view>& keys) override;
  void mark_intent(std::string_view target, const std::vector<std::string>& keys) override;
  void mark_done(std::string_view target, const std::vector<std::string>& keys, int http_status = 0) override;
  void mark_failed(std::string_view target, const std::vector<std::string>& keys, int http_status = 0) override;
  void mark(std::string_view target, std::string_view key, state s, int http_status = 0) override;
  void mark_all(std::string_view target, const std::vector<entry>& marks) override;

  const std::string& path() const override { return path_; }

 private:
  void set(std::string_view target, const std::vector<std::string>& keys, state s, int http_status);
  state lookup(std::string_view target, std::string_view key);
  read_ahead ahead_{[this](std::string_view t, std::string_view k) { return lookup(t, k); }};
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
