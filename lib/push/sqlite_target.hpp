#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "age/recheck.hpp"
#include "journal/journal.hpp"
#include "ledger/sqlite.hpp"
#include "push/target.hpp"

namespace claimkit::push {

/// The sqlite target's exactly-once marks are the ledger's own rows: a
/// record is done when its key is in status_history (an ack or batch
/// status: in batch_events), and those rows commit with the batch, so there
/// is no state in which a record is written without its mark or marked
/// without being written. A ledger written by an earlier version may also
/// hold a push_journal table of done marks; it is read, never written.
/// Nothing is marked through this journal (mark_* throw: the target writes
/// the rows).
class ledger_journal final : public journal::journal {
 public:
  /// Over the open ledger's connection.
  ledger_journal(ledger::database& db, std::string path);
  /// A read-only view of the ledger at path (a dry run): empty when the file
  /// does not exist or is not a ledger.
  explicit ledger_journal(const std::string& path);
  ~ledger_journal() override;

  claimkit::journal::state get(std::string_view target, std::string_view key) override;
  void prefetch(std::string_view target, const std::vector<std::string_view>& keys) override;
  void mark_intent(std::string_view target, const std::vector<std::string>& keys) override;
  void mark_done(std::string_view target, const std::vector<std::string>& keys, int http_status = 0) override;
  void mark_failed(std::string_view target, const std::vector<std::string>& keys, int http_status = 0) override;
  void mark(std::string_view target, std::string_view key, claimkit::journal::state s, int http_status = 0) override;
  void mark_all(std::string_view target, const std::vector<entry>& marks) override;
  const std::string& path() const override { return path_; }

  /// A batch was written: lookups cached by prefetch() may be stale.
  void forget();

 private:
  void open_lookup();
  claimkit::journal::state lookup(std::string_view target, std::string_view key);
  std::mutex mu_;
  std::string path_;
  std::unique_ptr<ledger::database> own_db_;  // the read-only view's connection
  ledger::database* db_ = nullptr;
  std::unique_ptr<ledger::statement> get_;
  claimkit::journal::read_ahead ahead_{[this](std::string_view t, std::string_view k) { return lookup(t, k); }};
};

/// --to sqlite:PATH: the status ledger. A batch is one transaction holding
/// the ledger rows and, unless --journal names a file, the batch's done
/// marks (ledger_journal); the ledger's unique key makes a resend after a
/// crash a no-op. Acks and batch statuses go to their own table.
class sqlite_target : public target {
 public:
  /// settings_path: the settings file (--config) with the recheck
  /// intervals for claims.next_check; empty: the default one, if any.
  explicit sqlite_target(std::string path, std::string settings_path = {})
      : path_(std::move(path)), settings_path_(std::move(settings_path)) {}
  std::string_view kind() const override { return "sqlite"; }
  std::string identity() const override { return "sqlite"; }
  std::string journal_name() const override;
  /// The ledger's canonical absolute path: the ledger id is not known before
  /// open(), and a path spelled another way is the same ledger.
  std::string journal_identity() const override;
  bool dedupes() const override { return true; }
  bool takes_events() const override { return true; }
  void open() override;
  /// The marks in the ledger (its rows). After open(): over the ledger's
  /// connection. Unopened (a dry run): a read-only view of the ledger file.
  /// After a failed open(): nullptr.
  journal::journal* own_journal() override;
  void push(std::vector<item*>& batch, journal::journal& j, stop_reason& stop) override;
  void describe(const item& it, json::writer& w) const override;

 private:
  std::string path_, settings_path_;
  bool open_tried_ = false;
  std::unique_ptr<ledger::sqlite_ledger> ledger_;
  std::unique_ptr<ledger_journal> journal_;
  ledger::entry entry_;  // push()'s scratch
  age::recheck_plan recheck_;
};

ledger::entry to_entry(const item& it);
/// The same into an existing entry (every field assigned).
void fill_entry(const item& it, ledger::entry& e);
ledger::event_entry to_event_entry(const item& it);
/// The push_result message of a status the precedence rule kept out of the
/// claim's current row (no record values); empty when it replaced it.
std::string_view not_applied_message(ledger::precedence p);

}  // namespace claimkit::push
