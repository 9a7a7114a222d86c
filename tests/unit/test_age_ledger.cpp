#include <doctest/doctest.h>

#include <unistd.h>
#include <cstdlib>
#include <string>

#include <sqlite3.h>

#include "age/ledger.hpp"
#include "core/error.hpp"

using namespace claimkit;
using namespace claimkit::age;

namespace {

// The part of the pm-push schema claim-age reads (the ledger contract).
const char* kSchema = R"(
PRAGMA user_version = 1;
CREATE TABLE claims (claim_id TEXT PRIMARY KEY, payer_id TEXT, payer_claim_id TEXT, state TEXT NOT NULL,
  category TEXT, code TEXT, effective_date TEXT, channel TEXT, action TEXT, queue TEXT, billed_amount TEXT,
  paid_amount TEXT, submitted_date TEXT, last_checked TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE status_history (id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, claim_id TEXT NOT NULL,
  payer_id TEXT, state TEXT NOT NULL, category TEXT, code TEXT, entity TEXT, effective_date TEXT, channel TEXT,
  source_file TEXT, interchange TEXT, group_control TEXT, transaction_control TEXT, payer_claim_id TEXT,
  reference TEXT, action TEXT, queue TEXT, billed_amount TEXT, paid_amount TEXT, submitted_date TEXT,
  regressed INTEGER NOT NULL DEFAULT 0, written_at TEXT NOT NULL, tool_version TEXT NOT NULL);
CREATE INDEX status_history_claim ON status_history(claim_id, id);
)";

struct temp_ledger {
  std::string path;
  explicit temp_ledger(const std::string& sql) {
    char tmpl[] = "/tmp/test_age_ledger.XXXXXX";
    int fd = ::mkstemp(tmpl);
    REQUIRE(fd >= 0);
    ::close(fd);
    path = tmpl;
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    char* err = nullptr;
    std::string all = std::string(kSchema) + sql;
    int rc = sqlite3_exec(db, all.c_str(), nullptr, nullptr, &err);
    if (err != nullptr) {
      MESSAGE(err);
      sqlite3_free(err);
    }
    REQUIRE(rc == SQLITE_OK);
    sqlite3_close(db);
  }
  ~temp_ledger() { ::unlink(path.c_str()); }
};

std::string claim_row(const char* id, const char* payer, const char* state, const char* submitted) {
  return std::string(
             "INSERT INTO claims (claim_id, payer_id, state, submitted_date, billed_amount, last_checked, "
             "updated_at) VALUES ('") +
         id + "','" + payer + "','" + state + "','" + submitted + "','100.00','2026-11-20T10:00:00Z','x');\n";
}
std::string history_row(int id, const char* claim, const char* payer, const char* state, const char* eff) {
  return "INSERT INTO status_history (id, key, claim_id, payer_id, state, effective_date, written_at, tool_version) "
         "VALUES (" +
         std::to_string(id) + ",'k" + std::to_string(id) + "','" + claim + "','" + payer + "','" + state + "','" + eff +
         "','2026-11-20T10:00:00Z','0.1.0');\n";
}

}  // namespace

TEST_CASE("ledger lookups by claim id") {
  temp_ledger t(claim_row("C1", "P1", "pending", "2026-10-01"));
  ledger led(t.path);
  ledger_claim row;
  REQUIRE(led.find("C1", row));
  CHECK(row.state == "pending");
  CHECK(row.payer_id == "P1");
  CHECK(row.last_checked == "2026-11-20T10:00:00Z");
  CHECK(row.billed_amount == "100.00");
  CHECK(row.paid_amount.empty());
  CHECK_FALSE(led.find("C2", row));
}

TEST_CASE("scorecards from history") {
  std::string sql = claim_row("A", "P1", "paid", "2026-01-01") + claim_row("B", "P1", "denied", "2026-01-01") +
                    claim_row("C", "P1", "pending", "2026-01-01") + claim_row("D", "P1", "denied", "2026-01-10") +
                    claim_row("E", "P2", "not_found", "2026-02-01");
  sql += history_row(1, "A", "P1", "pending", "2026-01-05") + history_row(2, "A", "P1", "paid", "2026-01-31") +
         history_row(3, "B", "P1", "not_found", "2026-01-04") + history_row(4, "B", "P1", "denied", "2026-01-21") +
         history_row(5, "B", "P1", "denied", "2026-03-01") + history_row(6, "D", "P1", "denied", "2026-02-01") +
         history_row(7, "E", "P2", "not_found", "2026-02-10");
  temp_ledger t(sql);
  ledger led(t.path);
  auto cards = led.scorecards({});
  REQUIRE(cards.size() == 2);
  const auto& p1 = cards["P1"];
  CHECK(p1.claims == 4);
  CHECK(p1.finalized == 3);
  CHECK(p1.denied == 2);
  CHECK(p1.ever_not_found == 1);
  // Days to pay: only A was paid, 30 days after its submission.
  std::int64_t v = 0;
  REQUIRE(p1.median_half_days(v));
  CHECK(v == 60);
  REQUIRE(p1.p90_days(v));
  CHECK(v == 30);
  const auto& p2 = cards["P2"];
  CHECK(p2.claims == 1);
  CHECK(p2.ever_not_found == 1);
  CHECK_FALSE(p2.median_half_days(v));

  // The claims read decide the payer and the submission date: a claim the
  // ledger holds under a clearinghouse counts for the claim's payer.
  read_claims read;
  read["E"] = {"P1", 0, false};
  read["A"] = {"P1", dates::to_days({2026, 1, 21}), true};
  cards = led.scorecards(read);
  REQUIRE(cards.size() == 1);
  CHECK(cards["P1"].claims == 5);
  REQUIRE(cards["P1"].median_half_days(v));
  CHECK(v == 20);  // 10 days
}

TEST_CASE("median of an even count is halfway; negative days are kept") {
  payer_scorecard s;
  s.days_to_pay = {10, 30, 11, 20};
  std::int64_t v = 0;
  REQUIRE(s.median_half_days(v));
  CHECK(v == 31);  // 15.5 days
  s.days_to_pay = {-4, -2, 7, 1, 2, 3, 4, 5, 6, 40};
  REQUIRE(s.median_half_days(v));
  CHECK(v == 7);  // 3.5 days
  REQUIRE(s.p90_days(v));
  CHECK(v == 7);  // 9th of 10
  s.days_to_pay = {-3};
  REQUIRE(s.median_half_days(v));
  CHECK(v == -6);
}

TEST_CASE("a missing ledger is an I/O error") {
  try {
    ledger led("/nonexistent/ledger.db");
    FAIL("no error");
  } catch (const claimkit::error& e) {
    CHECK(e.code() == cli::exit_code::io);
    CHECK(std::string(e.what()).rfind("/nonexistent/ledger.db: cannot open the ledger", 0) == 0);
  }
}
