#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "ledger/db.hpp"
#include "ledger/precedence.hpp"

namespace claimkit::ledger {

/// The schema version this build writes (PRAGMA user_version).
constexpr std::int64_t kSchemaVersion = 5;

/// One status to record; empty strings are stored as NULL.
struct entry {
  std::string key, claim_id, payer_id, state;
  std::string category, code, entity, effective_date, channel;
  std::string source_file, interchange, group_control, transaction_control;
  std::string payer_claim_id, reference, action, queue;
  std::string billed_amount, paid_amount, submitted_date;
  std::string line_followups;  // JSON array (status-normalize), or empty
  std::string next_check;      // YYYY-MM-DD the claim is due for a check again; empty: never
  std::string checked_by;      // portal / phone captures: who made the call
  bool incomplete = false;     // from a cut-off transaction: weak evidence
};

/// One ack or batch_status to record in batch_events; empty strings are
/// stored as NULL. accepted is "1", "0" or empty; counts are integers.
struct event_entry {
  std::string key, type, level, state, accepted;
  std::string category, code, entity, effective_date, action, queue;
  std::string channel, transaction_type, source_file, interchange, group_control, transaction_control, segment;
  std::string acknowledged_interchange, acknowledged_group, acknowledged_transaction, acknowledged_type;
  std::string trace, payer_id, error_count;
  std::string accepted_count, rejected_count, accepted_amount, rejected_amount;
  std::string record;
};

enum class write_result { applied, duplicate };

struct write_outcome {
  write_result result = write_result::applied;
  /// replaces: the claims row now shows this status; weaker or older: it is
  /// in the history only, flagged (see decide()).
  precedence verdict = precedence::replaces;
  bool current() const { return result == write_result::applied && verdict == precedence::replaces; }
};

/// The ledger_id of an existing ledger, read without writing; empty when the
/// file does not exist or is not a ledger.
std::string peek_ledger_id(const std::string& path);

/// The status ledger: current status per claim plus an append-only history,
/// keyed by idempotency key so the same status is recorded once; acks and
/// batch statuses, which have no claim, in their own append-only table. The file is
/// created 0600, in WAL mode so the sqlite3 shell can read it during a run,
/// and migrated on open by user_version.
class sqlite_ledger {
 public:
  sqlite_ledger(const std::string& path, std::string tool_version);
  ~sqlite_ledger();
  sqlite_ledger(const sqlite_ledger&) = delete;
  sqlite_ledger& operator=(const sqlite_ledger&) = delete;

  /// A stable random id made when the ledger was created; a new ledger file
  /// at the same path gets a new id, so journal entries of the old one do not
  /// hide writes to the new one.
  const std::string& ledger_id() const { return ledger_id_; }
  /// The ledger's connection, for readers of its tables on the same
  /// connection (pm-push's exactly-once lookups).
  database& db() { return *db_; }

  void begin();
  void commit();
  void rollback();
  /// Records e in the open transaction. `now` is RFC 3339 UTC.
  write_outcome write(const entry& e, std::string_view now);
  bool has_key(std::string_view key);
  /// Records an ack or batch_status in the open transaction: applied, or
  /// duplicate when its key is on file.
  write_result write_event(const event_entry& e, std::string_view now);

 private:
  void migrate();
  std::unique_ptr<database> db_;
  std::string tool_version_;
  std::string ledger_id_;
  bool in_tx_ = false;
  statement find_key_, find_claim_, insert_history_, upsert_claim_, find_event_, insert_event_;
  statement clear_followups_, insert_followups_;
};

}  // namespace claimkit::ledger
