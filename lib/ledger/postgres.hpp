#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/pg_connection.hpp"
#include "ledger/sqlite.hpp"

namespace claimkit::ledger {

/// The schema version this build writes in ledger_schema. Version 1 holds
/// the tables of the SQLite ledger's version 4 (same names, columns and
/// meaning) plus journal, the exactly-once marks of the pushes into it.
constexpr std::int64_t kPostgresSchemaVersion = 2;

/// One record of a batch: a claim status (status) or an ack or batch status
/// (event); write_batch() sets out.
struct batch_record {
  const entry* status = nullptr;
  const event_entry* event = nullptr;
  write_outcome out;
};

/// The status ledger in a PostgreSQL database, shared by every pm-push that
/// writes to it, from any machine. The same tables as sqlite_ledger, written
/// by the same precedence rule (ledger::decide), the history keyed by the
/// idempotency key. A batch is one transaction that also holds the journal
/// marks of its records, so a record is in the ledger exactly when it is
/// marked done.
///
/// Concurrency: a batch takes a transaction-scoped advisory lock per claim id
/// (in one order, so two batches do not deadlock; a deadlock or
/// serialization failure all the same is retried) before it reads the
/// claims' current rows, so two writers of the same claim are applied one
/// after the other, each seeing the other's committed rows. Keys of acks and
/// batch statuses are inserted with ON CONFLICT DO NOTHING, which waits for
/// a concurrent insert of the same key to commit or roll back.
class postgres_ledger {
 public:
  /// Connects (see pg_connection), creates or migrates the schema.
  postgres_ledger(const std::string& uri, std::string tool_version, const std::function<std::string()>& password);
  postgres_ledger(const postgres_ledger&) = delete;
  postgres_ledger& operator=(const postgres_ledger&) = delete;

  /// A random id made when the schema was created (ledger_meta.ledger_id).
  const std::string& ledger_id() const { return ledger_id_; }
  const std::string& what() const { return db_->what(); }

  /// Writes the batch in one transaction, with a done mark in journal for
  /// each key of journal_keys under journal_target (none when
  /// journal_target is empty). Retried from the start on a serialization
  /// failure or deadlock; claimkit::error (pg_error) otherwise, the
  /// transaction rolled back (or, when the connection was lost during the
  /// commit, perhaps committed: a rerun finds the keys).
  void write_batch(std::vector<batch_record>& batch, std::string_view now, std::string_view journal_target,
                   const std::vector<std::string>& journal_keys);

  /// The journal mark of key under target: "intent", "done", "failed" or
  /// empty when none.
  std::string mark(std::string_view target, std::string_view key);
  /// The marks of keys under target in one query: (key, state) pairs.
  std::vector<std::pair<std::string, std::string>> marks(std::string_view target,
                                                         const std::vector<std::string_view>& keys);
  /// Sets marks outside a batch (one transaction).
  struct mark_entry {
    std::string key;
    std::string state;
    int http_status = 0;
  };
  void set_marks(std::string_view target, const std::vector<mark_entry>& marks, std::string_view now);

 private:
  void migrate();
  void write_once(std::vector<batch_record>& batch, std::string_view now, std::string_view journal_target,
                  const std::vector<std::string>& journal_keys);
  std::unique_ptr<pg_connection> db_;
  std::string tool_version_;
  std::string ledger_id_;
};

}  // namespace claimkit::ledger
