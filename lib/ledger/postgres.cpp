#include "ledger/postgres.hpp"

#include <chrono>
#include <random>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>

namespace claimkit::ledger {
namespace {

using param = std::optional<std::string_view>;

// The SQLite ledger's version 4 tables (ledger/sqlite.cpp), translated:
// INTEGER PRIMARY KEY becomes an identity column, the rest keeps its name,
// type and meaning (0/1 integers stay integers so that the same queries work
// on both). journal is the journal file's table (journal/journal.cpp).
// Never edited: a later version adds a step.
constexpr std::string_view kSchemaV1 = R"sql(
CREATE TABLE claims (
  claim_id        TEXT PRIMARY KEY,
  payer_id        TEXT,
  payer_claim_id  TEXT,
  state           TEXT NOT NULL,
  category        TEXT,
  code            TEXT,
  effective_date  TEXT,
  channel         TEXT,
  action          TEXT,
  queue           TEXT,
  billed_amount   TEXT,
  paid_amount     TEXT,
  submitted_date  TEXT,
  last_checked    TEXT NOT NULL,
  updated_at      TEXT NOT NULL,
  incomplete      INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE status_history (
  id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  key             TEXT NOT NULL UNIQUE,
  claim_id        TEXT NOT NULL,
  payer_id        TEXT,
  state           TEXT NOT NULL,
  category TEXT, code TEXT, entity TEXT, effective_date TEXT, channel TEXT,
  source_file TEXT, interchange TEXT, group_control TEXT, transaction_control TEXT,
  payer_claim_id TEXT, reference TEXT, action TEXT, queue TEXT,
  billed_amount TEXT, paid_amount TEXT, submitted_date TEXT,
  regressed       INTEGER NOT NULL DEFAULT 0,
  written_at      TEXT NOT NULL,
  tool_version    TEXT NOT NULL,
  incomplete      INTEGER NOT NULL DEFAULT 0,
  not_applied     TEXT
);
CREATE INDEX status_history_claim ON status_history(claim_id, id);
CREATE TABLE ledger_meta (
  name  TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE batch_events (
  id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  key             TEXT NOT NULL UNIQUE,
  type            TEXT NOT NULL,
  level           TEXT,
  state           TEXT,
  accepted        INTEGER,
  category        TEXT,
  code            TEXT,
  entity          TEXT,
  effective_date  TEXT,
  action          TEXT,
  queue           TEXT,
  channel         TEXT,
  transaction_type TEXT,
  source_file     TEXT,
  interchange     TEXT,
  group_control   TEXT,
  transaction_control TEXT,
  segment         BIGINT,
  acknowledged_interchange TEXT,
  acknowledged_group TEXT,
  acknowledged_transaction TEXT,
  acknowledged_type TEXT,
  trace           TEXT,
  payer_id        TEXT,
  error_count     BIGINT,
  accepted_count  BIGINT,
  rejected_count  BIGINT,
  accepted_amount TEXT,
  rejected_amount TEXT,
  written_at      TEXT NOT NULL,
  tool_version    TEXT NOT NULL,
  record          TEXT NOT NULL
);
CREATE INDEX batch_events_state ON batch_events(state, id);
CREATE TABLE line_followups (
  key             TEXT PRIMARY KEY,
  claim_id        TEXT NOT NULL,
  current         INTEGER NOT NULL,
  followups       TEXT NOT NULL
);
CREATE INDEX line_followups_claim ON line_followups(claim_id, current);
CREATE TABLE journal (
  target      TEXT NOT NULL,
  key         TEXT NOT NULL,
  state       TEXT NOT NULL CHECK (state IN ('intent', 'done', 'failed')),
  attempts    INTEGER NOT NULL DEFAULT 0,
  http_status INTEGER,
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL,
  PRIMARY KEY (target, key)
);
INSERT INTO ledger_meta (name, value) VALUES ('ledger_id', replace(gen_random_uuid()::text, '-', ''));
CREATE TABLE ledger_schema (version INTEGER NOT NULL);
INSERT INTO ledger_schema (version) VALUES (1);
)sql";

// Advisory lock space of the ledger (two-key form: this, then a claim id's
// hash; 0 for the schema migration), so it stays clear of other users' locks.
constexpr std::string_view kLockSpace = "1667984487";

// Counts and positions are integers by contract; anything else is NULL
// (as in the SQLite ledger).
param count(std::string_view v) {
  if (v.empty() || v.size() > 18) return std::nullopt;
  for (char ch : v) {
    if (ch < '0' || ch > '9') return std::nullopt;
  }
  return v;
}

param opt(std::string_view v) { return v.empty() ? param() : param(v); }

// One COPY text-format row from its columns.
void copy_row(std::string& out, std::initializer_list<param> cols) {
  bool first = true;
  for (const param& c : cols) {
    if (!first) out.push_back('\t');
    first = false;
    copy_text(out, c);
  }
  out.push_back('\n');
}

struct current_row {
  std::string state, category, effective;
  bool incomplete = false;
};

}  // namespace

postgres_ledger::postgres_ledger(const std::string& uri, std::string tool_version,
                                 const std::function<std::string()>& password)
    : tool_version_(std::move(tool_version)) {
  std::string shown = check_postgres_uri(uri);
  db_ = std::make_unique<pg_connection>(uri, fmt::format("ledger {}", shown), password);
  // Every query of the ledger is a handful of index probes; parallel
  // workers only add their start-up (about 30 ms a query on a 200,000-row
  // ledger, where the planner guessed big scans of tables not yet analyzed:
  // 11 of 28 s in scripts/bench-pg), so this session plans without them.
  db_->exec("SET max_parallel_workers_per_gather = 0");
  migrate();
  pg_rows r = db_->query("SELECT value FROM ledger_meta WHERE name = 'ledger_id'", {});
  if (r.size() == 1) ledger_id_ = std::string(r.text(0, 0));
  // The rows of claims already on file go through this table: COPY is the
  // fast way in, one UPDATE ... FROM it the way to apply them (write_once).
  db_->exec("CREATE TEMP TABLE claims_in (LIKE claims) ON COMMIT DELETE ROWS");
}

void postgres_ledger::migrate() {
  db_->exec("BEGIN");
  try {
    // Several pushers may start on an empty database at once: one creates
    // the schema, the others wait and find it.
    db_->exec(fmt::format("SELECT pg_advisory_xact_lock({}, 0)", kLockSpace));
    std::int64_t v = 0;
    pg_rows t = db_->query("SELECT to_regclass('ledger_schema') IS NOT NULL", {});
    if (t.text(0, 0) == "t") {
      pg_rows r = db_->query("SELECT max(version) FROM ledger_schema", {});
      if (r.size() == 1 && !r.null(0, 0)) v = std::stoll(std::string(r.text(0, 0)));
    } else {
      pg_rows c = db_->query("SELECT to_regclass('claims') IS NOT NULL", {});
      if (c.text(0, 0) == "t") {
        throw error(cli::exit_code::io,
                    fmt::format("{}: has a claims table but no ledger_schema: not a claimkit ledger", db_->what()));
      }
    }
    if (v > kPostgresSchemaVersion) {
      throw error(cli::exit_code::io, fmt::format("{}: schema version {} is newer than this pm-push (version {})",
                                                  db_->what(), v, kPostgresSchemaVersion));
    }
    if (v < 1) db_->exec(std::string(kSchemaV1));
    // Later versions add their steps here, each from the one before, ending
    // with UPDATE ledger_schema SET version = N.
    // Version 2 = the SQLite ledger's version 5: when a claim is due for its
    // next check (the recheck intervals), and who checked a phone or portal
    // status.
    if (v < 2) {
      db_->exec(
          "ALTER TABLE claims ADD COLUMN next_check TEXT;"
          " ALTER TABLE status_history ADD COLUMN checked_by TEXT;"
          " CREATE INDEX claims_next_check ON claims(next_check);"
          " UPDATE ledger_schema SET version = 2");
    }
    db_->exec("COMMIT");
  } catch (...) {
    try {
      db_->exec("ROLLBACK");
    } catch (...) {
    }
    throw;
  }
}

void postgres_ledger::write_batch(std::vector<batch_record>& batch, std::string_view now,
                                  std::string_view journal_target, const std::vector<std::string>& journal_keys) {
  std::mt19937 rng(std::random_device{}());
  for (int attempt = 1;; ++attempt) {
    try {
      write_once(batch, now, journal_target, journal_keys);
      return;
    } catch (const pg_error& e) {
      try {
        db_->exec("ROLLBACK");
      } catch (...) {
      }
      // 23505: a key another writer inserted first, seen only at our insert
      // (the claim lock makes it rare); the next attempt finds it on file.
      bool again = e.retryable() || e.sqlstate() == "23505";
      if (!again || e.code() == cli::exit_code::remote || attempt >= 10) throw;
      // Jitter so that two writers that collided do not collide again.
      std::this_thread::sleep_for(std::chrono::milliseconds(5 + rng() % (20 * attempt)));
    } catch (...) {
      try {
        db_->exec("ROLLBACK");
      } catch (...) {
      }
      throw;
    }
  }
}

void postgres_ledger::write_once(std::vector<batch_record>& batch, std::string_view now,
                                 std::string_view journal_target, const std::vector<std::string>& journal_keys) {
  for (batch_record& b : batch) b.out = write_outcome{};
  // Round trips are what a batch costs over a network, so statements that
  // need no answer share one exec(): BEGIN with the locks, and the updates
  // with the journal marks and COMMIT (scripts/bench-pg: 11 round trips a
  // batch made pm-push 6.5x the COPY floor on a loaded machine).

  std::vector<std::string_view> claim_ids, keys;
  {
    std::unordered_set<std::string_view> seen;
    for (const batch_record& b : batch) {
      if (b.status == nullptr) continue;
      keys.push_back(b.status->key);
      if (seen.insert(b.status->claim_id).second) claim_ids.push_back(b.status->claim_id);
    }
  }
  std::unordered_map<std::string, current_row> current;
  std::unordered_set<std::string> on_file;   // history keys already written
  std::unordered_set<std::string> in_db;     // claims with a row before this batch
  std::unordered_set<std::string> journaled;  // journal keys with a mark already
  std::vector<std::string_view> jkeys;        // journal_keys, each once
  if (!journal_target.empty()) {
    std::unordered_set<std::string_view> seen;
    for (const std::string& k : journal_keys) {
      if (seen.insert(k).second) jkeys.push_back(k);
    }
  }
  const std::string ids = text_array(claim_ids);
  if (claim_ids.empty()) {
    db_->exec("BEGIN");
  } else {
    // One lock per claim, taken in hash order (the function runs after the
    // sort, being volatile), held to the end of the transaction.
    db_->exec(
        fmt::format("BEGIN; SELECT pg_advisory_xact_lock({}, h) FROM (SELECT DISTINCT hashtext(c) AS h FROM "
                    "unnest({}::text[]) AS c) AS s ORDER BY h",
                    kLockSpace, db_->literal(ids)));
  }
  if (!claim_ids.empty() || !jkeys.empty()) {
    // Read after the locks: each statement sees what committed before it,
    // so a writer that held one of these claims has its rows in view. The
    // journal keys are probed one by one (LIMIT keeps the nested loop; see
    // marks()).
    pg_rows cur = db_->query(
        "SELECT 'c', claim_id, state, category, effective_date, incomplete FROM claims WHERE claim_id = ANY($1::text[])"
        " UNION ALL SELECT 'h', key, NULL, NULL, NULL, NULL FROM status_history WHERE key = ANY($2::text[])"
        " UNION ALL SELECT 'j', k.key, NULL, NULL, NULL, NULL FROM unnest($4::text[]) AS k(key)"
        " CROSS JOIN LATERAL (SELECT 1 FROM journal WHERE target = $3 AND key = k.key LIMIT 1) AS j",
        {ids, text_array(keys), journal_target, text_array(jkeys)});
    for (int i = 0; i < cur.size(); ++i) {
      std::string_view kind = cur.text(i, 0);
      if (kind == "h") {
        on_file.emplace(cur.text(i, 1));
      } else if (kind == "j") {
        journaled.emplace(cur.text(i, 1));
      } else {
        in_db.emplace(cur.text(i, 1));
        current[std::string(cur.text(i, 1))] = {std::string(cur.text(i, 2)), std::string(cur.text(i, 3)),
                                                std::string(cur.text(i, 4)), cur.text(i, 5) != "0"};
      }
    }
  }

  // The batch in order, each status judged against the claim's current one
  // as it stands after the statuses before it.
  std::string history, followups;
  // The claims row each replaced claim ends the batch with: the last
  // replacing status, where the columns the upsert keeps when a status lacks
  // them (payer_id, payer_claim_id, billed_amount, submitted_date) fall back
  // to the claim's earlier statuses of the batch, then (for a claim already
  // on file, in the UPDATE) to its row. Written as one row per claim: by COPY
  // for a claim new to the ledger (the claim locks keep other writers from
  // adding it meanwhile), by one UPDATE for the others. One INSERT ... ON
  // CONFLICT DO UPDATE per round of a claim's statuses cost 4 times the COPY
  // of the same rows (scripts/bench-pg, 200,000 statuses).
  struct claim_row {
    const entry* last = nullptr;
    std::string_view payer_id, payer_claim_id, billed_amount, submitted_date;
  };
  std::unordered_map<std::string_view, claim_row> rows;
  std::unordered_map<std::string_view, std::size_t> last_applied;
  std::vector<std::string_view> replaced_claims;
  std::vector<std::size_t> with_followups;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    batch_record& b = batch[i];
    if (b.status == nullptr) continue;
    const entry& e = *b.status;
    if (!on_file.insert(e.key).second) {
      b.out.result = write_result::duplicate;
      continue;
    }
    auto c = current.find(e.claim_id);
    if (c != current.end()) {
      b.out.verdict = decide({c->second.state, c->second.category, c->second.effective, c->second.incomplete},
                             {e.state, e.category, e.effective_date, e.incomplete});
    }
    const bool applies = b.out.verdict == precedence::replaces;
    std::string_view incomplete = e.incomplete ? "1" : "0";
    copy_row(history, {e.key,
                       e.claim_id,
                       opt(e.payer_id),
                       e.state,
                       opt(e.category),
                       opt(e.code),
                       opt(e.entity),
                       opt(e.effective_date),
                       opt(e.channel),
                       opt(e.source_file),
                       opt(e.interchange),
                       opt(e.group_control),
                       opt(e.transaction_control),
                       opt(e.payer_claim_id),
                       opt(e.reference),
                       opt(e.action),
                       opt(e.queue),
                       opt(e.billed_amount),
                       opt(e.paid_amount),
                       opt(e.submitted_date),
                       applies ? "0" : "1",
                       now,
                       tool_version_,
                       incomplete,
                       opt(to_string(b.out.verdict)),
                       opt(e.checked_by)});
    if (applies) {
      current[e.claim_id] = {e.state, e.category, e.effective_date, e.incomplete};
      auto [r, first] = rows.try_emplace(e.claim_id);
      if (first) replaced_claims.push_back(e.claim_id);
      claim_row& row = r->second;
      row.last = &e;
      for (auto [mine, theirs] : {std::pair{&row.payer_id, &e.payer_id}, {&row.payer_claim_id, &e.payer_claim_id},
                                  {&row.billed_amount, &e.billed_amount}, {&row.submitted_date, &e.submitted_date}}) {
        if (!theirs->empty()) *mine = *theirs;
      }
      last_applied[e.claim_id] = i;
    }
    if (!e.line_followups.empty()) with_followups.push_back(i);
  }
  // A line follow-up row is current when its status is the last one of the
  // batch to replace the claim's current status (the SQLite ledger clears
  // and sets the flag status by status, to the same end).
  std::vector<std::string_view> followup_keys;
  for (std::size_t i : with_followups) {
    const entry& e = *batch[i].status;
    followup_keys.push_back(e.key);
    auto l = last_applied.find(e.claim_id);
    bool cur = batch[i].out.verdict == precedence::replaces && l != last_applied.end() && l->second == i;
    copy_row(followups, {e.key, e.claim_id, cur ? "1" : "0", e.line_followups});
  }

  if (!history.empty()) {
    db_->copy_in(
        "COPY status_history (key, claim_id, payer_id, state, category, code, entity, effective_date, channel,"
        " source_file, interchange, group_control, transaction_control, payer_claim_id, reference, action, queue,"
        " billed_amount, paid_amount, submitted_date, regressed, written_at, tool_version, incomplete, not_applied,"
        " checked_by) FROM STDIN",
        history);
  }
  if (!followups.empty()) {
    db_->copy_in("COPY line_followups (key, claim_id, current, followups) FROM STDIN", followups);
  }
  std::string tail;  // statements sent with the COMMIT
  if (!replaced_claims.empty()) {
    std::string fresh, known;
    for (std::string_view id : replaced_claims) {
      const claim_row& r = rows[id];
      const entry& e = *r.last;
      copy_row(in_db.count(std::string(id)) ? known : fresh,
               {e.claim_id, opt(r.payer_id), opt(r.payer_claim_id), e.state, opt(e.category), opt(e.code),
                opt(e.effective_date), opt(e.channel), opt(e.action), opt(e.queue), opt(r.billed_amount),
                opt(e.paid_amount), opt(r.submitted_date), now, now, e.incomplete ? "1" : "0", opt(e.next_check)});
    }
    constexpr std::string_view columns =
        "claim_id, payer_id, payer_claim_id, state, category, code, effective_date, channel, action, queue,"
        " billed_amount, paid_amount, submitted_date, last_checked, updated_at, incomplete, next_check";
    if (!fresh.empty()) db_->copy_in(fmt::format("COPY claims ({}) FROM STDIN", columns), fresh);
    if (!known.empty()) {
      db_->copy_in(fmt::format("COPY claims_in ({}) FROM STDIN", columns), known);
      // The SQLite ledger's upsert, column for column.
      tail +=
          "UPDATE claims SET payer_id = coalesce(i.payer_id, claims.payer_id),"
          " payer_claim_id = coalesce(i.payer_claim_id, claims.payer_claim_id), state = i.state,"
          " category = i.category, code = i.code, effective_date = i.effective_date, channel = i.channel,"
          " action = i.action, queue = i.queue, billed_amount = coalesce(i.billed_amount, claims.billed_amount),"
          " paid_amount = i.paid_amount, submitted_date = coalesce(i.submitted_date, claims.submitted_date),"
          " last_checked = i.last_checked, updated_at = i.updated_at, incomplete = i.incomplete,"
          " next_check = i.next_check FROM claims_in AS i WHERE claims.claim_id = i.claim_id;\n";
    }
    // A new current status: the line follow-ups of the one before are done
    // (this batch's own rows, already in, carry their flag).
    tail += fmt::format(
        "UPDATE line_followups SET current = 0 WHERE claim_id = ANY({}::text[]) AND current = 1"
        " AND NOT (key = ANY({}::text[]));\n",
        db_->literal(text_array(replaced_claims)), db_->literal(text_array(followup_keys)));
  }
  std::unordered_set<std::string_view> events_seen;
  for (batch_record& b : batch) {
    if (b.event == nullptr) continue;
    const event_entry& e = *b.event;
    if (!events_seen.insert(e.key).second) {
      b.out.result = write_result::duplicate;
      continue;
    }
    // ON CONFLICT DO NOTHING waits for a concurrent insert of the same key
    // and then does nothing if it committed: exactly one row either way.
    pg_rows r = db_->query(
        "INSERT INTO batch_events (key, type, level, state, accepted, category, code, entity, effective_date,"
        " action, queue, channel, transaction_type, source_file, interchange, group_control, transaction_control,"
        " segment, acknowledged_interchange, acknowledged_group, acknowledged_transaction, acknowledged_type,"
        " trace, payer_id, error_count, accepted_count, rejected_count, accepted_amount, rejected_amount,"
        " written_at, tool_version, record)"
        " VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23,$24,$25,"
        "$26,$27,$28,$29,$30,$31,$32) ON CONFLICT (key) DO NOTHING RETURNING 1",
        {e.key,
         e.type,
         opt(e.level),
         opt(e.state),
         count(e.accepted),
         opt(e.category),
         opt(e.code),
         opt(e.entity),
         opt(e.effective_date),
         opt(e.action),
         opt(e.queue),
         opt(e.channel),
         opt(e.transaction_type),
         opt(e.source_file),
         opt(e.interchange),
         opt(e.group_control),
         opt(e.transaction_control),
         count(e.segment),
         opt(e.acknowledged_interchange),
         opt(e.acknowledged_group),
         opt(e.acknowledged_transaction),
         opt(e.acknowledged_type),
         opt(e.trace),
         opt(e.payer_id),
         count(e.error_count),
         count(e.accepted_count),
         count(e.rejected_count),
         opt(e.accepted_amount),
         opt(e.rejected_amount),
         now,
         tool_version_,
         e.record.empty() ? std::string_view("{}") : std::string_view(e.record)});
    b.out.result = r.size() == 1 ? write_result::applied : write_result::duplicate;
  }

  if (!jkeys.empty()) {
    // New marks by COPY, the rest by one UPDATE (an INSERT ... ON CONFLICT
    // of every key cost as much as the history's COPY). A key another
    // writer marks meanwhile fails the COPY with 23505, and write_batch()
    // starts the batch again.
    std::string fresh;
    std::vector<std::string_view> again;
    for (std::string_view k : jkeys) {
      if (journaled.count(std::string(k))) {
        again.push_back(k);
      } else {
        copy_row(fresh, {journal_target, k, "done", "1", now, now});
      }
    }
    if (!fresh.empty()) {
      db_->copy_in("COPY journal (target, key, state, attempts, created_at, updated_at) FROM STDIN", fresh);
    }
    if (!again.empty()) {
      tail += fmt::format(
          "UPDATE journal SET state = 'done', attempts = attempts + 1, http_status = NULL, updated_at = {}"
          " WHERE target = {} AND key = ANY({}::text[]);\n",
          db_->literal(now), db_->literal(journal_target), db_->literal(text_array(again)));
    }
  }
  db_->exec(tail + "COMMIT");
}

std::string postgres_ledger::mark(std::string_view target, std::string_view key) {
  pg_rows r = db_->query("SELECT state FROM journal WHERE target = $1 AND key = $2", {target, key});
  return r.size() == 1 ? std::string(r.text(0, 0)) : std::string();
}

std::vector<std::pair<std::string, std::string>> postgres_ledger::marks(std::string_view target,
                                                                        const std::vector<std::string_view>& keys) {
  std::vector<std::pair<std::string, std::string>> out;
  if (keys.empty()) return out;
  // One index probe per key, whatever the statistics say: LIMIT keeps the
  // subquery a nested loop. "key = ANY($2)" let the planner, before the
  // table was first analyzed, read every row of the target instead (40 ms a
  // batch at 200,000 rows, 9 of 28 s in scripts/bench-pg).
  pg_rows r = db_->query(
      "SELECT k.key, j.state FROM unnest($2::text[]) AS k(key)"
      " CROSS JOIN LATERAL (SELECT state FROM journal WHERE target = $1 AND key = k.key LIMIT 1) AS j",
      {target, text_array(keys)});
  for (int i = 0; i < r.size(); ++i) out.emplace_back(r.text(i, 0), r.text(i, 1));
  return out;
}

void postgres_ledger::set_marks(std::string_view target, const std::vector<mark_entry>& marks, std::string_view now) {
  if (marks.empty()) return;
  db_->exec("BEGIN");
  try {
    for (const mark_entry& m : marks) {
      std::string status = std::to_string(m.http_status);
      db_->query(
          "INSERT INTO journal (target, key, state, attempts, http_status, created_at, updated_at)"
          " VALUES ($1, $2, $3, CASE WHEN $3 = 'intent' THEN 1 ELSE 0 END, $4, $5, $5)"
          " ON CONFLICT (target, key) DO UPDATE SET state = excluded.state,"
          " attempts = journal.attempts + excluded.attempts, http_status = excluded.http_status,"
          " updated_at = excluded.updated_at",
          {target, m.key, m.state, m.http_status > 0 ? param(status) : param(), now});
    }
    db_->exec("COMMIT");
  } catch (...) {
    try {
      db_->exec("ROLLBACK");
    } catch (...) {
    }
    throw;
  }
}

}  // namespace claimkit::ledger
