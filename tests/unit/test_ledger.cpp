#include <doctest/doctest.h>

#include <cstdlib>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "core/error.hpp"
#include "ledger/sqlite.hpp"

namespace {

std::string temp_dir() {
  char tmpl[] = "/tmp/claimkit-ledger.XXXXXX";
  const char* d = ::mkdtemp(tmpl);
  REQUIRE(d != nullptr);
  return d;
}

claimkit::ledger::entry make(std::string key, std::string claim, std::string state, std::string date) {
  claimkit::ledger::entry e;
  e.key = std::move(key);
  e.claim_id = std::move(claim);
  e.state = std::move(state);
  e.effective_date = std::move(date);
  e.channel = "x12";
  e.billed_amount = "150.00";
  return e;
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

TEST_CASE("ledger: created private, WAL, schema version 1") {
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
  CHECK(query(path, "PRAGMA user_version") == "1");
  CHECK(query(path, "PRAGMA journal_mode") == "wal");
  CHECK(query(path, "SELECT count(*) FROM sqlite_master WHERE name IN ('claims','status_history',"
                    "'status_history_claim')") == "3");
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

TEST_CASE("ledger: a backwards move is recorded and flagged") {
  std::string path = temp_dir() + "/l.db";
  claimkit::ledger::sqlite_ledger l(path, "9.9.9");
  l.begin();
  l.write(make("k1", "C1", "finalized", "2026-02-01"), "t1");
  auto back = l.write(make("k2", "C1", "pending", "2026-02-03"), "t2");
  l.commit();
  CHECK(back.regressed);
  CHECK(back.current);
  CHECK(query(path, "SELECT state FROM claims WHERE claim_id='C1'") == "pending");
  CHECK(query(path, "SELECT group_concat(state || ':' || regressed) FROM status_history ORDER BY id") ==
        "finalized:0,pending:1");
}

TEST_CASE("ledger: a late older status goes to history only") {
  std::string path = temp_dir() + "/l.db";
  claimkit::ledger::sqlite_ledger l(path, "9.9.9");
  l.begin();
  l.write(make("k1", "C1", "paid", "2026-03-10"), "t1");
  auto late = l.write(make("k2", "C1", "pending", "2026-03-01"), "t2");
  l.commit();
  CHECK_FALSE(late.regressed);
  CHECK_FALSE(late.current);
  CHECK(query(path, "SELECT state || ' ' || last_checked FROM claims") == "paid t1");
  CHECK(query(path, "SELECT count(*) FROM status_history") == "2");
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
    CHECK(std::string(e.what()) == "ledger " + path + ": schema version 7 is newer than this pm-push (version 1)");
    CHECK(e.code() == claimkit::cli::exit_code::io);
  }
}

TEST_CASE("ledger: regression order") {
  using claimkit::ledger::is_regression;
  CHECK(is_regression("paid", "pending"));
  CHECK(is_regression("denied", "received"));
  CHECK(is_regression("pending", "not_found"));
  CHECK_FALSE(is_regression("pending", "paid"));
  CHECK_FALSE(is_regression("paid", "denied"));
  CHECK_FALSE(is_regression("paid", "unknown"));
  CHECK_FALSE(is_regression("error", "received"));
  CHECK_FALSE(is_regression("rejected", "received"));
}
