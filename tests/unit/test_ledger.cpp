#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>
#include <cstdlib>
#include <string>

#include <sqlite3.h>

#include "core/error.hpp"
#include "ledger/sqlite.hpp"
#include "scratch_dir.hpp"

namespace {

std::string temp_dir() { return claimkit_test::scratch_dir("claimkit-ledger"); }

// A coded status (strong evidence) unless category is given empty.
claimkit::ledger::entry make(std::string key, std::string claim, std::string state, std::string date,
                             std::string category = "F1") {
  claimkit::ledger::entry e;
  e.key = std::move(key);
  e.claim_id = std::move(claim);
  e.state = std::move(state);
  e.effective_date = std::move(date);
  e.category = std::move(category);
  e.channel = "x12";
  e.billed_amount = "150.00";
  return e;
}

// The schema exactly as pm-push 0.1.0 (schema version 1) created it, with a
// few rows, written with the C API so the test does not depend on the code
// it checks.
constexpr const char* kVersion1File = R"sql(
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
INSERT INTO ledger_meta VALUES ('ledger_id', '0123456789abcdef0123456789abcdef');
INSERT INTO claims (claim_id, state, category, code, effective_date, channel, billed_amount, last_checked, updated_at)
  VALUES ('C1', 'paid', 'F1', '65', '2026-03-02', 'x12', '240.00', '2026-03-03T01:00:00Z', '2026-03-03T01:00:00Z');
INSERT INTO status_history (key, claim_id, state, category, code, effective_date, channel, billed_amount,
  written_at, tool_version)
  VALUES ('ck1-old1', 'C1', 'pending', 'P1', '20', '2026-02-20', 'x12', '240.00', '2026-02-21T01:00:00Z', '0.1.0'),
         ('ck1-old2', 'C1', 'paid', 'F1', '65', '2026-03-02', 'x12', '240.00', '2026-03-03T01:00:00Z', '0.1.0');
PRAGMA user_version = 1;
)sql";

void exec_sql(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  char* err = nullptr;
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
  std::string msg = err != nullptr ? err : "";
  sqlite3_free(err);
  sqlite3_close(db);
  REQUIRE_MESSAGE(rc == SQLITE_OK, msg);
}

// Reads one value with the C API, the way another program (claim-age, the
// sqlite3 shell) sees the file.
std::string query(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK);
  std::string out;
  if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) != nullptr) {
    out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

}  // namespace

TEST_CASE("ledger: created private, WAL, schema version 5") {
  std::string dir = temp_dir();
  std::string path = dir + "/l.db";
  ::umask(022);
  {
    claimkit::ledger::sqlite_ledger l(path, "9.9.9");
    CHECK(l.ledger_id().size() == 32);
  }
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK(query(path, "PRAGMA user_version") == "5");
  CHECK(query(path, "PRAGMA journal_mode") == "wal");
  CHECK(query(path,
              "SELECT count(*) FROM sqlite_master WHERE name IN ('claims','status_history',"
              "'status_history_claim','batch_events')") == "4");
  CHECK(claimkit::ledger::peek_ledger_id(path).size() == 32);
  CHECK(claimkit::ledger::peek_ledger_id(dir + "/absent.db").empty());
}

TEST_CASE("ledger: same key twice is one history row") {
  std::string path = temp_dir() + "/l.db";
  claimkit::ledger::sqlite_ledger l(path, "9.9.9");
  l.begin();
  auto a = l.write(make("k1", "C1", "pending", "2026-01-05"), "2026-01-06T00:00:00Z");
  auto b = l.write(make("k1", "C1", "pending", "2026-01-05"), "2026-01-06T00:00:00Z");
  l.commit();
  CHECK(a.result == claimkit::ledger::write_result::applied);
  CHECK(b.result == claimkit::ledger::write_result::duplicate);
  CHECK(query(path, "SELECT count(*) FROM status_history") == "1");
  CHECK(query(path, "SELECT billed_amount || ' ' || tool_version FROM status_history") == "150.00 9.9.9");
  CHECK(query(path, "SELECT payer_id IS NULL FROM claims") == "1");  // absent stays NULL
}

using claimkit::ledger::precedence;

TEST_CASE("ledger: a newer coded status replaces the current one, even a step back") {
  std::string path = temp_dir() + "/l.db";
  claimkit::ledger::sqlite_ledger l(path, "9.9.9");
  l.begin();
  l.write(make("k1", "C1", "finalized", "2026-02-01"), "t1");
  auto back = l.write(make("k2", "C1", "pending", "2026-02-03", "P1"), "t2");
  l.commit();
  CHECK(back.verdict == precedence::replaces);
  CHECK(back.current());
  CHECK(query(path, "SELECT state FROM claims WHERE claim_id='C1'") == "pending");
  CHECK(query(path,
              "SELECT group_concat(state || ':' || regressed || ':' || coalesce(not_applied, '-')) FROM "
              "status_history ORDER BY id") == "finalized:0:-,pending:0:-");
}

TEST_CASE("ledger: a late older status goes to history only, flagged") {
  std::string path = temp_dir() + "/l.db";
  claimkit::ledger::sqlite_ledger l(path, "9.9.9");
  l.begin();
  l.write(make("k1", "C1", "paid", "2026-03-10"), "t1");
  auto late = l.write(make("k2", "C1", "pending", "2026-03-01"), "t2");
  l.commit();
  CHECK(late.result == claimkit::ledger::write_result::applied);
  CHECK(late.verdict == precedence::older);
  CHECK_FALSE(late.current());
  CHECK(query(path, "SELECT state || ' ' || last_checked FROM claims") == "paid t1");
  CHECK(query(path,
              "SELECT group_concat(state || ':' || regressed || ':' || coalesce(not_applied, '-')) FROM "
              "status_history ORDER BY id") == "paid:0:-,pending:1:older");
}

TEST_CASE("ledger: a status-less, unknown or incomplete status never replaces a coded one") {
  std::string path = temp_dir() + "/l.db";
  claimkit::ledger::sqlite_ledger l(path, "9.9.9");
  l.begin();
  l.write(make("k1", "C1", "denied", "2026-03-02", "F2"), "t1");
  auto bare = l.write(make("k2", "C1", "unknown", "", ""), "t2");
  auto unknown = l.write(make("k3", "C1", "unknown", "2026-03-09", "E0"), "t3");
  auto cut = make("k4", "C1", "paid", "2026-03-09", "F1");
  cut.incomplete = true;
  auto incomplete = l.write(cut, "t4");
  l.commit();
  CHECK(bare.verdict == precedence::weaker);
  CHECK(unknown.verdict == precedence::weaker);
  CHECK(incomplete.verdict == precedence::weaker);
  CHECK(query(path,
              "SELECT state || ' ' || category || ' ' || effective_date || ' ' || last_checked || ' ' || "
              "incomplete FROM claims") == "denied F2 2026-03-02 t1 0");
  CHECK(query(path,
              "SELECT group_concat(key || ':' || regressed || ':' || coalesce(not_applied, '-') || ':' || "
              "incomplete) FROM status_history ORDER BY id") == "k1:0:-:0,k2:1:weaker:0,k3:1:weaker:0,k4:1:weaker:1");
}

TEST_CASE("ledger: a weak current status is replaced by a coded one, and an incomplete one by the complete") {
  std::string path = temp_dir() + "/l.db";
  claimkit::ledger::sqlite_ledger l(path, "9.9.9");
  l.begin();
  auto cut = make("k1", "C1", "denied", "2026-03-02", "F2");
  cut.incomplete = true;
  CHECK(l.write(cut, "t1").current());  // nothing on file: the first status stands
  l.commit();
  CHECK(query(path, "SELECT incomplete FROM claims") == "1");
  l.begin();
  CHECK(l.write(make("k2", "C1", "unknown", "2026-03-02", ""), "t2").current());  // weak over weak, a tie
  CHECK(l.write(make("k3", "C1", "denied", "2026-03-02", "F2"), "t3").current());
  l.commit();
  CHECK(query(path, "SELECT state || ' ' || incomplete FROM claims") == "denied 0");
}
TEST_CASE("ledger: rolled back batch leaves nothing") {
  std::string path = temp_dir() + "/l.db";
  claimkit::ledger::sqlite_ledger l(path, "9.9.9");
  l.begin();
  l.write(make("k1", "C1", "paid", "2026-03-10"), "t1");
  l.rollback();
  CHECK(query(path, "SELECT count(*) FROM status_history") == "0");
  CHECK_FALSE(l.has_key("k1"));
}

TEST_CASE("ledger: a newer schema is refused") {
  std::string path = temp_dir() + "/l.db";
  { claimkit::ledger::sqlite_ledger l(path, "9.9.9"); }
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  sqlite3_exec(db, "PRAGMA user_version = 7", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  try {
    claimkit::ledger::sqlite_ledger l(path, "9.9.9");
    FAIL("no error");
  } catch (const claimkit::error& e) {
    CHECK(std::string(e.what()) == "ledger " + path + ": schema version 7 is newer than this pm-push (version 5)");
    CHECK(e.code() == claimkit::cli::exit_code::io);
  }
}

// The columns claim-age and users' scripts read: later versions only add
// columns after them (ALTER TABLE ... ADD COLUMN), never change one.
std::string v1_tables(const std::string& path) {
  std::string out;
  for (const char* t : {"claims", "status_history", "ledger_meta"}) {
    out += query(path, std::string("SELECT group_concat(name || ' ' || type || ' ' || \"notnull\" || ' ' || pk, ',') "
                                   "FROM (SELECT * FROM pragma_table_info('") +
                           t + "') WHERE cid < " +
                           (t == std::string("claims")           ? "15"
                            : t == std::string("status_history") ? "24"
                                                                 : "2") +
                           " ORDER BY cid)") +
           ";";
  }
  return out + query(path, "SELECT sql FROM sqlite_master WHERE name = 'status_history_claim'");
}

TEST_CASE("ledger: a version 1 file is migrated to 3 and keeps its rows") {
  std::string path = temp_dir() + "/v1.db";
  exec_sql(path, kVersion1File);
  const std::string before = v1_tables(path);
  {
    claimkit::ledger::sqlite_ledger l(path, "9.9.9");
    CHECK(l.ledger_id() == "0123456789abcdef0123456789abcdef");  // the journal still knows it
    l.begin();
    // An old key is still a duplicate; a newer coded status still moves the
    // claim, a status-less one does not.
    CHECK(l.write(make("ck1-old2", "C1", "paid", "2026-03-02"), "t").result ==
          claimkit::ledger::write_result::duplicate);
    CHECK(l.write(make("ck1-bare", "C1", "unknown", "2026-03-10", ""), "t").verdict == precedence::weaker);
    CHECK(l.write(make("ck1-new", "C1", "pending", "2026-03-09", "P1"), "t").current());
    claimkit::ledger::event_entry e;
    e.key = "ck1-ev";
    e.type = "ack";
    e.level = "transaction";
    e.accepted = "0";
    e.code = "R";
    e.record = R"({"type":"ack"})";
    CHECK(l.write_event(e, "t") == claimkit::ledger::write_result::applied);
    l.commit();
  }
  CHECK(query(path, "PRAGMA user_version") == "5");
  CHECK(v1_tables(path) == before);  // not one column of the contract changed
  CHECK(query(path,
              "SELECT group_concat(key || ':' || state || ':' || regressed || ':' || coalesce(not_applied, '-'), "
              "',') FROM (SELECT * FROM status_history ORDER BY id)") ==
        "ck1-old1:pending:0:-,ck1-old2:paid:0:-,ck1-bare:unknown:1:weaker,ck1-new:pending:0:-");
  CHECK(query(path, "SELECT state || ' ' || effective_date FROM claims WHERE claim_id = 'C1'") == "pending 2026-03-09");
  CHECK(query(path, "SELECT type || ' ' || accepted || ' ' || code FROM batch_events") == "ack 0 R");
  // Opening again does nothing more.
  { claimkit::ledger::sqlite_ledger l(path, "9.9.9"); }
  CHECK(query(path, "SELECT count(*) FROM status_history") == "4");
  CHECK(query(path, "SELECT count(*) FROM batch_events") == "1");
}

TEST_CASE("ledger: a migration that fails leaves the version 1 file as it was") {
  std::string path = temp_dir() + "/v1.db";
  exec_sql(path, kVersion1File);
  // Something else already made a table of that name: the step fails midway.
  exec_sql(path, "CREATE TABLE batch_events (x TEXT)");
  try {
    claimkit::ledger::sqlite_ledger l(path, "9.9.9");
    FAIL("no error");
  } catch (const claimkit::error& e) {
    CHECK(std::string(e.what()) == "ledger " + path + ": table batch_events already exists");
    CHECK(e.code() == claimkit::cli::exit_code::io);
  }
  CHECK(query(path, "PRAGMA user_version") == "1");
  CHECK(query(path, "SELECT count(*) FROM status_history") == "2");
  CHECK(query(path, "SELECT count(*) FROM sqlite_master WHERE name = 'batch_events_state'") == "0");
}

TEST_CASE("ledger: an event is recorded once, absent values NULL, counts as integers") {
  std::string path = temp_dir() + "/l.db";
  claimkit::ledger::sqlite_ledger l(path, "9.9.9");
  claimkit::ledger::event_entry e;
  e.key = "ck1-b1";
  e.type = "batch_status";
  e.level = "information_receiver";
  e.state = "rejected";
  e.category = "A3";
  e.code = "19";
  e.segment = "12";
  e.accepted_count = "0";
  e.rejected_count = "3";
  e.rejected_amount = "410.50";
  e.record = R"({"type":"batch_status"})";
  l.begin();
  CHECK(l.write_event(e, "2026-11-16T00:00:00Z") == claimkit::ledger::write_result::applied);
  CHECK(l.write_event(e, "2026-11-16T00:00:01Z") == claimkit::ledger::write_result::duplicate);
  e.key = "ck1-b2";
  e.rejected_count = "3.5";  // not a count: NULL, never text in an INTEGER column
  CHECK(l.write_event(e, "2026-11-16T00:00:01Z") == claimkit::ledger::write_result::applied);
  l.commit();
  CHECK(query(path, "SELECT count(*) FROM batch_events") == "2");
  CHECK(query(path,
              "SELECT accepted IS NULL AND trace IS NULL AND accepted_amount IS NULL FROM batch_events "
              "WHERE key = 'ck1-b1'") == "1");
  CHECK(query(path,
              "SELECT typeof(rejected_count) || ' ' || typeof(segment) || ' ' || rejected_amount || ' ' || "
              "tool_version || ' ' || record FROM batch_events WHERE key = 'ck1-b1'") ==
        R"(integer integer 410.50 9.9.9 {"type":"batch_status"})");
  CHECK(query(path, "SELECT rejected_count IS NULL FROM batch_events WHERE key = 'ck1-b2'") == "1");
  CHECK(query(path, "SELECT count(*) FROM status_history") == "0");  // events are not claim history
}

TEST_CASE("ledger: line follow-ups belong to their status; a new current status retires them") {
  std::string path = temp_dir() + "/f.db";
  {
    claimkit::ledger::sqlite_ledger l(path, "9.9.9");
    l.begin();
    auto e = make("ck1-a", "C1", "paid", "2026-03-02");
    e.line_followups = R"([{"line_id":"2","state":"denied"}])";
    l.write(e, "t");
    // A late, older status with follow-ups is history, not current.
    auto old = make("ck1-old", "C1", "denied", "2026-02-01");
    old.line_followups = R"([{"line_id":"1","state":"denied"}])";
    CHECK_FALSE(l.write(old, "t").current());
    l.commit();
  }
  CHECK(
      query(path, "SELECT group_concat(key || ':' || current, ',') FROM (SELECT * FROM line_followups ORDER BY key)") ==
      "ck1-a:1,ck1-old:0");
  {
    claimkit::ledger::sqlite_ledger l(path, "9.9.9");
    l.begin();
    l.write(make("ck1-b", "C1", "paid", "2026-04-01"), "t");  // none of its own
    l.commit();
  }
  CHECK(query(path, "SELECT count(*) FROM line_followups WHERE current = 1") == "0");
  CHECK(query(path, "SELECT count(*) FROM line_followups") == "2");
}

TEST_CASE("ledger: version 5 keeps the next check day and who checked") {
  std::string dir = temp_dir();
  std::string path = dir + "/l5.db";
  {
    claimkit::ledger::sqlite_ledger l(path, "9.9.9");
    l.begin();
    auto e = make("ck1-a", "C5", "pending", "2026-11-20", "P1");
    e.next_check = "2026-11-28";
    e.checked_by = "kim";
    e.channel = "phone";
    CHECK(l.write(e, "2026-11-20T10:00:00Z").current());
    // Older: in the history with its caller, the claim's next check unchanged.
    auto old = make("ck1-b", "C5", "received", "2026-11-01", "A2");
    old.next_check = "2026-11-16";
    old.checked_by = "lee";
    CHECK(l.write(old, "2026-11-21T10:00:00Z").verdict == precedence::older);
    // A final state: no check planned.
    CHECK(l.write(make("ck1-c", "C5", "paid", "2026-11-22"), "2026-11-22T10:00:00Z").current());
    l.commit();
  }
  CHECK(query(path,
              "SELECT group_concat(key || ':' || coalesce(checked_by, '-'), ',') FROM "
              "(SELECT * FROM status_history ORDER BY id)") == "ck1-a:kim,ck1-b:lee,ck1-c:-");
  CHECK(query(path, "SELECT coalesce(next_check, 'NULL') FROM claims WHERE claim_id = 'C5'") == "NULL");
  CHECK(query(path, "SELECT count(*) FROM sqlite_master WHERE name = 'claims_next_check'") == "1");
}
