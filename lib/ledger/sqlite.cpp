#include "ledger/sqlite.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>

#include "core/error.hpp"

namespace claimkit::ledger {
namespace {

// Version 1: the tables claim-age reads (fixed contract) plus ledger_meta.
// Never edited: a new file is made by running every version's step in turn,
// exactly as an old file is migrated.
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
  updated_at      TEXT NOT NULL
);
CREATE TABLE status_history (
  id              INTEGER PRIMARY KEY,
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
  tool_version    TEXT NOT NULL
);
CREATE INDEX status_history_claim ON status_history(claim_id, id);
CREATE TABLE ledger_meta (
  name  TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
)sql";

// Version 2: acknowledgments (999, 997, TA1) and batch statuses (277CA
// receiver / provider level), which have no claim row to belong to. Only
// adds, so readers of version 1 tables are unaffected.
constexpr std::string_view kSchemaV2 = R"sql(
CREATE TABLE batch_events (
  id              INTEGER PRIMARY KEY,
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
  segment         INTEGER,
  acknowledged_interchange TEXT,
  acknowledged_group TEXT,
  acknowledged_transaction TEXT,
  acknowledged_type TEXT,
  trace           TEXT,
  payer_id        TEXT,
  error_count     INTEGER,
  accepted_count  INTEGER,
  rejected_count  INTEGER,
  accepted_amount TEXT,
  rejected_amount TEXT,
  written_at      TEXT NOT NULL,
  tool_version    TEXT NOT NULL,
  record          TEXT NOT NULL
);
CREATE INDEX batch_events_state ON batch_events(state, id);
)sql";

// Version 3: service lines that need work of their own (status-normalize's
// line_followups, a JSON array), one row per status that has them; current
// marks those of the claim's current status. Only adds a table.
constexpr std::string_view kSchemaV3 = R"sql(
CREATE TABLE line_followups (
  key             TEXT PRIMARY KEY,
  claim_id        TEXT NOT NULL,
  current         INTEGER NOT NULL,
  followups       TEXT NOT NULL
);
CREATE INDEX line_followups_claim ON line_followups(claim_id, current);
)sql";

// Version 4: the precedence rule (ledger/precedence.hpp). A status that
// does not replace the claim's current one is kept in the history with the
// reason in not_applied (and regressed = 1); incomplete marks a status from
// a cut-off transaction, so that a later complete one can replace it.
constexpr std::string_view kSchemaV4 = R"sql(
ALTER TABLE claims ADD COLUMN incomplete INTEGER NOT NULL DEFAULT 0;
ALTER TABLE status_history ADD COLUMN incomplete INTEGER NOT NULL DEFAULT 0;
ALTER TABLE status_history ADD COLUMN not_applied TEXT;
)sql";

// Version 5: recheck planning and who made a call. claims.next_check is
// the first day the claim is due for a status check again (YYYY-MM-DD,
// NULL: no check planned, as for a final state), set with each status that
// becomes current; status_history.checked_by is who made a phone or portal
// check (claim-query record). Only adds columns and an index.
constexpr std::string_view kSchemaV5 = R"sql(
ALTER TABLE claims ADD COLUMN next_check TEXT;
ALTER TABLE status_history ADD COLUMN checked_by TEXT;
CREATE INDEX claims_next_check ON claims(next_check);
)sql";

// Counts and positions are integers by contract; anything else is stored
// as NULL rather than as text in an INTEGER column.
void bind_count(statement& st, int i, std::string_view v) {
  std::int64_t n = 0;
  bool ok = !v.empty() && v.size() <= 18;
  for (char ch : v) {
    if (ch < '0' || ch > '9') {
      ok = false;
      break;
    }
    n = n * 10 + (ch - '0');
  }
  if (ok) {
    st.bind_int(i, n);
  } else {
    st.bind(i, std::string_view());
  }
}

std::string random_id() {
  unsigned char b[16] = {};
  int fd = ::open("/dev/urandom", O_RDONLY | O_CLOEXEC);
  if (fd < 0 || ::read(fd, b, sizeof b) != static_cast<ssize_t>(sizeof b)) {
    if (fd >= 0) ::close(fd);
    throw error(cli::exit_code::io, "cannot read /dev/urandom");
  }
  ::close(fd);
  std::string s;
  for (unsigned char c : b) s += fmt::format("{:02x}", c);
  return s;
}

}  // namespace

std::string peek_ledger_id(const std::string& path) {
  if (::access(path.c_str(), F_OK) != 0) return {};
  try {
    database db(path, fmt::format("ledger {}", path), false, true);
    statement st = db.prepare("SELECT value FROM ledger_meta WHERE name = 'ledger_id'");
    return st.step() ? st.column_text(0) : std::string();
  } catch (const error&) {
    return {};
  }
}

sqlite_ledger::sqlite_ledger(const std::string& path, std::string tool_version)
    : tool_version_(std::move(tool_version)) {
  db_ = std::make_unique<database>(path, fmt::format("ledger {}", path), true);
  db_->exec("PRAGMA journal_mode=WAL");
  // FULL: pm-push's exactly-once marks are the ledger's rows, and it
  // reports a batch applied only after its commit is on disk (one fsync of the WAL per batch). NORMAL would let a
  // power cut take back a batch already reported applied (and an inbox file
  // already moved to done/).
  db_->exec("PRAGMA synchronous=FULL");
  // The history's key, the journal's key and the claims' id are random
  // (SHA-256 keys, payer claim ids): with SQLite's default 2 MB page cache a
  // ledger past ~50,000 statuses reads most index pages back from the OS
  // for every lookup and insert (pread and its copy were 25 % of pm-push's
  // profile at 100,000). 64 MB holds the indexes of a few million statuses;
  // it is an upper bound, taken only as the ledger grows.
  db_->exec("PRAGMA cache_size=-65536");
  migrate();
  find_key_ = db_->prepare("SELECT 1 FROM status_history WHERE key = ?1");
  find_claim_ = db_->prepare("SELECT state, effective_date, category, incomplete FROM claims WHERE claim_id = ?1");
  insert_history_ = db_->prepare(
      "INSERT INTO status_history (key, claim_id, payer_id, state, category, code, entity, effective_date,"
      " channel, source_file, interchange, group_control, transaction_control, payer_claim_id, reference,"
      " action, queue, billed_amount, paid_amount, submitted_date, regressed, written_at, tool_version,"
      " incomplete, not_applied, checked_by)"
      " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21,?22,?23,?24,?25,?26)");
  upsert_claim_ = db_->prepare(
      "INSERT INTO claims (claim_id, payer_id, payer_claim_id, state, category, code, effective_date, channel,"
      " action, queue, billed_amount, paid_amount, submitted_date, last_checked, updated_at, incomplete,"
      " next_check)"
      " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?14,?15,?16)"
      " ON CONFLICT(claim_id) DO UPDATE SET payer_id = coalesce(excluded.payer_id, payer_id),"
      " payer_claim_id = coalesce(excluded.payer_claim_id, payer_claim_id), state = excluded.state,"
      " category = excluded.category, code = excluded.code, effective_date = excluded.effective_date,"
      " channel = excluded.channel, action = excluded.action, queue = excluded.queue,"
      " billed_amount = coalesce(excluded.billed_amount, billed_amount),"
      " paid_amount = excluded.paid_amount,"
      " submitted_date = coalesce(excluded.submitted_date, submitted_date),"
      " last_checked = excluded.last_checked, updated_at = excluded.updated_at,"
      " incomplete = excluded.incomplete, next_check = excluded.next_check");
  clear_followups_ = db_->prepare("UPDATE line_followups SET current = 0 WHERE claim_id = ?1 AND current = 1");
  insert_followups_ =
      db_->prepare("INSERT INTO line_followups (key, claim_id, current, followups) VALUES (?1, ?2, ?3, ?4)");
  find_event_ = db_->prepare("SELECT 1 FROM batch_events WHERE key = ?1");
  insert_event_ = db_->prepare(
      "INSERT INTO batch_events (key, type, level, state, accepted, category, code, entity, effective_date,"
      " action, queue, channel, transaction_type, source_file, interchange, group_control, transaction_control,"
      " segment, acknowledged_interchange, acknowledged_group, acknowledged_transaction, acknowledged_type,"
      " trace, payer_id, error_count, accepted_count, rejected_count, accepted_amount, rejected_amount,"
      " written_at, tool_version, record)"
      " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21,?22,?23,?24,?25,"
      "?26,?27,?28,?29,?30,?31,?32)");
}

sqlite_ledger::~sqlite_ledger() {
  if (in_tx_) {
    try {
      rollback();
    } catch (...) {
    }
  }
}

void sqlite_ledger::migrate() {
  db_->exec("BEGIN IMMEDIATE");
  try {
    std::int64_t v = db_->user_version();
    if (v > kSchemaVersion) {
      throw error(cli::exit_code::io, fmt::format("{}: schema version {} is newer than this pm-push (version {})",
                                                  db_->what(), v, kSchemaVersion));
    }
    if (v < 1) {
      db_->exec(kSchemaV1);
      statement st = db_->prepare("INSERT INTO ledger_meta (name, value) VALUES ('ledger_id', ?1)");
      const std::string id = random_id();
      st.bind(1, id);
      st.step();
      db_->exec("PRAGMA user_version = 1");
    }
    if (v < 2) {
      db_->exec(kSchemaV2);
      db_->exec("PRAGMA user_version = 2");
    }
    if (v < 3) {
      db_->exec(kSchemaV3);
      db_->exec("PRAGMA user_version = 3");
    }
    if (v < 4) {
      db_->exec(kSchemaV4);
      db_->exec("PRAGMA user_version = 4");
    }
    if (v < 5) {
      db_->exec(kSchemaV5);
      db_->exec("PRAGMA user_version = 5");
    }
    // Later versions add their steps here, each from the one before.
    db_->exec("COMMIT");
  } catch (...) {
    try {
      db_->exec("ROLLBACK");
    } catch (...) {
    }
    throw;
  }
  statement st = db_->prepare("SELECT value FROM ledger_meta WHERE name = 'ledger_id'");
  if (st.step()) ledger_id_ = st.column_text(0);
}

void sqlite_ledger::begin() {
  db_->exec("BEGIN IMMEDIATE");
  in_tx_ = true;
}

void sqlite_ledger::commit() {
  db_->exec("COMMIT");
  in_tx_ = false;
}

void sqlite_ledger::rollback() {
  in_tx_ = false;
  db_->exec("ROLLBACK");
}

bool sqlite_ledger::has_key(std::string_view key) {
  find_key_.bind(1, key);
  bool found = find_key_.step();
  find_key_.reset();
  return found;
}

write_result sqlite_ledger::write_event(const event_entry& e, std::string_view now) {
  find_event_.bind(1, e.key);
  bool found = find_event_.step();
  find_event_.reset();
  if (found) return write_result::duplicate;
  auto& st = insert_event_;
  st.bind(1, e.key).bind(2, e.type).bind(3, e.level).bind(4, e.state);
  bind_count(st, 5, e.accepted);
  st.bind(6, e.category).bind(7, e.code).bind(8, e.entity).bind(9, e.effective_date).bind(10, e.action);
  st.bind(11, e.queue).bind(12, e.channel).bind(13, e.transaction_type).bind(14, e.source_file);
  st.bind(15, e.interchange).bind(16, e.group_control).bind(17, e.transaction_control);
  bind_count(st, 18, e.segment);
  st.bind(19, e.acknowledged_interchange).bind(20, e.acknowledged_group).bind(21, e.acknowledged_transaction);
  st.bind(22, e.acknowledged_type).bind(23, e.trace).bind(24, e.payer_id);
  bind_count(st, 25, e.error_count);
  bind_count(st, 26, e.accepted_count);
  bind_count(st, 27, e.rejected_count);
  st.bind(28, e.accepted_amount).bind(29, e.rejected_amount).bind(30, now).bind(31, tool_version_);
  // The record is NOT NULL: an empty one (never from the runner) stays text.
  if (e.record.empty()) {
    st.bind(32, std::string_view("{}"));
  } else {
    st.bind(32, e.record);
  }
  st.step();
  st.reset();
  return write_result::applied;
}

write_outcome sqlite_ledger::write(const entry& e, std::string_view now) {
  write_outcome out;
  if (has_key(e.key)) {
    out.result = write_result::duplicate;
    return out;
  }
  std::string cur_state, cur_date, cur_category;
  bool exists = false, cur_incomplete = false;
  find_claim_.bind(1, e.claim_id);
  if (find_claim_.step()) {
    exists = true;
    cur_state = find_claim_.column_text(0);
    cur_date = find_claim_.column_text(1);
    cur_category = find_claim_.column_text(2);
    cur_incomplete = find_claim_.column_int(3) != 0;
  }
  find_claim_.reset();
  if (exists) {
    out.verdict = decide({cur_state, cur_category, cur_date, cur_incomplete},
                         {e.state, e.category, e.effective_date, e.incomplete});
  }
  const bool applies = out.verdict == precedence::replaces;

  auto& h = insert_history_;
  h.bind(1, e.key).bind(2, e.claim_id).bind(3, e.payer_id).bind(4, e.state).bind(5, e.category);
  h.bind(6, e.code).bind(7, e.entity).bind(8, e.effective_date).bind(9, e.channel).bind(10, e.source_file);
  h.bind(11, e.interchange).bind(12, e.group_control).bind(13, e.transaction_control);
  h.bind(14, e.payer_claim_id).bind(15, e.reference).bind(16, e.action).bind(17, e.queue);
  h.bind(18, e.billed_amount).bind(19, e.paid_amount).bind(20, e.submitted_date);
  h.bind_int(21, applies ? 0 : 1).bind(22, now).bind(23, tool_version_);
  h.bind_int(24, e.incomplete ? 1 : 0).bind(25, to_string(out.verdict)).bind(26, e.checked_by);
  h.step();
  h.reset();

  if (applies) {
    auto& c = upsert_claim_;
    c.bind(1, e.claim_id).bind(2, e.payer_id).bind(3, e.payer_claim_id).bind(4, e.state).bind(5, e.category);
    c.bind(6, e.code).bind(7, e.effective_date).bind(8, e.channel).bind(9, e.action).bind(10, e.queue);
    c.bind(11, e.billed_amount).bind(12, e.paid_amount).bind(13, e.submitted_date).bind(14, now);
    c.bind_int(15, e.incomplete ? 1 : 0).bind(16, e.next_check);
    c.step();
    c.reset();
    // A new current status: the line follow-ups of the one before are done.
    // A claim without a row has none: the UPDATE (which builds an ephemeral
    // table, as it changes a column of the index it searches) is skipped.
    if (exists) {
      clear_followups_.bind(1, e.claim_id);
      clear_followups_.step();
      clear_followups_.reset();
    }
  }
  if (!e.line_followups.empty()) {
    insert_followups_.bind(1, e.key).bind(2, e.claim_id).bind_int(3, applies ? 1 : 0).bind(4, e.line_followups);
    insert_followups_.step();
    insert_followups_.reset();
  }
  return out;
}

}  // namespace claimkit::ledger
