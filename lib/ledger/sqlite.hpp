#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "ledger/db.hpp"

namespace claimkit::ledger {

/// The schema version this build writes (PRAGMA user_version).
constexpr std::int64_t kSchemaVersion = 1;

/// One status to record; empty strings are stored as NULL.
struct entry {
  std::string key, claim_id, payer_id, state;
  std::string category, code, entity, effective_date, channel;
  std::string source_file, interchange, group_control, transaction_control;
  std::string payer_claim_id, reference, action, queue;
  std::string billed_amount, paid_amount, submitted_date;
};

enum class write_result { applied, duplicate };

struct write_outcome {
  write_result result = write_result::applied;
  bool regressed = false;  // the state moved backwards; flagged in history
  bool current = true;     // the claims row now shows this status
};

/// True when going from state `from` to `to` moves a claim backwards
/// (e.g. paid -> pending, received -> not_found). error and unknown say
/// nothing about progress and never count.
bool is_regression(std::string_view from, std::string_view to);

/// The ledger_id of an existing ledger, read without writing; empty when the
/// file does not exist or is not a ledger.
std::string peek_ledger_id(const std::string& path);

/// The status ledger: current status per claim plus an append-only history,
/// keyed by idempotency key so the same status is recorded once. The file is
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

  void begin();
  void commit();
  void rollback();
  /// Records e in the open transaction. `now` is RFC 3339 UTC.
  write_outcome write(const entry& e, std::string_view now);
  bool has_key(std::string_view key);

 private:
  void migrate();
  std::unique_ptr<database> db_;
  std::string tool_version_;
  std::string ledger_id_;
  bool in_tx_ = false;
  statement find_key_, find_claim_, insert_history_, upsert_claim_;
};

}  // namespace claimkit::ledger
