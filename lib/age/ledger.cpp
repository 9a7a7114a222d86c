#include "age/ledger.hpp"

#include <algorithm>
#include <unordered_map>

#include <sys/stat.h>

#include <fmt/format.h>
#include <sqlite3.h>

#include "cli/config.hpp"
#include "core/error.hpp"
#include "dates/instant.hpp"
#include "ledger/pg_connection.hpp"

namespace claimkit::age {

struct pg_source {
  template <typename F>
  pg_source(const std::string& uri, std::string what, F password) : conn(uri, std::move(what), password) {}
  claimkit::ledger::pg_connection conn;
  claimkit::ledger::pg_connection* operator->() { return &conn; }
};

namespace {

std::string column_text(sqlite3_stmt* st, int i) {
  const unsigned char* p = sqlite3_column_text(st, i);
  if (p == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(st, i)));
}

bool finalized_state(std::string_view s) { return s == "paid" || s == "denied" || s == "finalized"; }

}  // namespace

bool payer_scorecard::median_half_days(std::int64_t& out) const {
  if (days_to_pay.empty()) return false;
  std::vector<std::int32_t> v = days_to_pay;
  std::sort(v.begin(), v.end());
  std::size_t n = v.size();
  out = n % 2 == 1 ? 2 * static_cast<std::int64_t>(v[n / 2]) : static_cast<std::int64_t>(v[n / 2 - 1]) + v[n / 2];
  return true;
}

bool payer_scorecard::p90_days(std::int64_t& out) const {
  if (days_to_pay.empty()) return false;
  std::vector<std::int32_t> v = days_to_pay;
  std::sort(v.begin(), v.end());
  std::size_t rank = (v.size() * 9 + 9) / 10;  // ceil(0.9 n), 1-based
  out = v[rank - 1];
  return true;
}

ledger::ledger(const std::string& path) : path_(path) {
  if (claimkit::ledger::is_postgres_uri(path)) {
    // Messages name the database as checked, without a password (refused).
    try {
      path_ = claimkit::ledger::check_postgres_uri(path);
    } catch (const error& e) {
      throw error(e.code(), fmt::format("--ledger: {}", e.what()));
    }
    // A password the server wants beyond ~/.pgpass: the config file's
    // [postgresql] password, as pm-push reads it.
    auto password = []() -> std::string {
      return cli::config::load_default({}).get("postgresql", "password").value_or(std::string());
    };
    pg_ = std::make_unique<pg_source>(path, fmt::format("ledger {}", path_), password);
    (*pg_)->exec("SET default_transaction_read_only = on");
    if ((*pg_)->query("SELECT to_regclass('claims') IS NOT NULL", {}).text(0, 0) != "t") {
      throw error(cli::exit_code::io, fmt::format("{}: not a claimkit ledger (no claims table)", path_));
    }
    return;
  }
  // SQLite hands out a connection even when opening fails; the destructor
  // does not run when the constructor throws, so close it here.
  try {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
      fail("cannot open the ledger");
    }
    sqlite3_busy_timeout(db_, 10000);
    // The newest form the file has: next_check from schema version 5,
    // line_followups from version 3 (action is in every version).
    const char* sqls[] = {
        "SELECT state, last_checked, payer_id, submitted_date, billed_amount, paid_amount, effective_date,"
        " (SELECT followups FROM line_followups WHERE claim_id = ?1 AND current = 1 LIMIT 1), action, next_check "
        "FROM claims WHERE claim_id = ?1",
        "SELECT state, last_checked, payer_id, submitted_date, billed_amount, paid_amount, effective_date,"
        " (SELECT followups FROM line_followups WHERE claim_id = ?1 AND current = 1 LIMIT 1), action, NULL "
        "FROM claims WHERE claim_id = ?1",
        "SELECT state, last_checked, payer_id, submitted_date, billed_amount, paid_amount, effective_date, NULL,"
        " action, NULL FROM claims WHERE claim_id = ?1"};
    for (const char* sql : sqls) {
      if (sqlite3_prepare_v2(db_, sql, -1, &find_, nullptr) == SQLITE_OK) break;
    }
    if (find_ == nullptr) {
      fail("not a claimkit ledger (no claims table)");
    }
  } catch (...) {
    sqlite3_finalize(find_);
    sqlite3_close(db_);
    throw;
  }
}

ledger::~ledger() {
  sqlite3_finalize(find_);
  sqlite3_close(db_);
}

void ledger::fail(const std::string& what) {
  std::string detail = db_ != nullptr ? sqlite3_errmsg(db_) : "out of memory";
  throw error(cli::exit_code::io, fmt::format("{}: {}: {}", path_, what, detail));
}

void ledger::load_pg_claims() {
  // One query for every claim instead of one per claim: a round trip to a
  // server per open claim would dominate the run.
  claimkit::ledger::pg_rows r = (*pg_)->query(
      "SELECT claim_id, state, last_checked, payer_id, submitted_date, billed_amount, paid_amount, effective_date,"
      " (SELECT followups FROM line_followups f WHERE f.claim_id = c.claim_id AND f.current = 1 LIMIT 1),"
      " action, next_check FROM claims c",
      {});
  pg_claims_.reserve(static_cast<std::size_t>(r.size()));
  for (int i = 0; i < r.size(); ++i) {
    ledger_claim& c = pg_claims_[std::string(r.text(i, 0))];
    c.state = r.text(i, 1);
    c.last_checked = r.text(i, 2);
    c.payer_id = r.text(i, 3);
    c.submitted_date = r.text(i, 4);
    c.billed_amount = r.text(i, 5);
    c.paid_amount = r.text(i, 6);
    c.effective_date = r.text(i, 7);
    c.line_followups = r.text(i, 8);
    c.action = r.text(i, 9);
    c.next_check = r.text(i, 10);
  }
  pg_loaded_ = true;
}

bool ledger::find(std::string_view claim_id, ledger_claim& out) {
  if (pg_) {
    if (!pg_loaded_) load_pg_claims();
    auto it = pg_claims_.find(std::string(claim_id));
    if (it == pg_claims_.end()) return false;
    out = it->second;
    return true;
  }
  sqlite3_reset(find_);
  sqlite3_bind_text(find_, 1, claim_id.data(), static_cast<int>(claim_id.size()), SQLITE_STATIC);
  int rc = sqlite3_step(find_);
  if (rc == SQLITE_DONE) return false;
  if (rc != SQLITE_ROW) fail("cannot read the ledger");
  out.state = column_text(find_, 0);
  out.last_checked = column_text(find_, 1);
  out.payer_id = column_text(find_, 2);
  out.submitted_date = column_text(find_, 3);
  out.billed_amount = column_text(find_, 4);
  out.paid_amount = column_text(find_, 5);
  out.effective_date = column_text(find_, 6);
  out.line_followups = column_text(find_, 7);
  out.action = column_text(find_, 8);
  out.next_check = column_text(find_, 9);
  return true;
}

void ledger::for_each_open(const std::function<void(const std::string&, const ledger_claim&)>& handle) {
  if (pg_) {
    if (!pg_loaded_) load_pg_claims();
    std::vector<const std::pair<const std::string, ledger_claim>*> open;
    for (const auto& kv : pg_claims_) {
      if (kv.second.state != "paid" && kv.second.state != "finalized") open.push_back(&kv);
    }
    // In claim_id order, as the SQLite ledger gives them.
    std::sort(open.begin(), open.end(), [](auto* a, auto* b) { return a->first < b->first; });
    for (auto* kv : open) handle(kv->first, kv->second);
    return;
  }
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db_,
                         "SELECT claim_id, state, last_checked, payer_id, submitted_date, billed_amount, paid_amount,"
                         " effective_date, action FROM claims WHERE state NOT IN ('paid', 'finalized') "
                         "ORDER BY claim_id",
                         -1, &st, nullptr) != SQLITE_OK) {
    fail("cannot read the ledger");
  }
  ledger_claim c;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    c.state = column_text(st, 1);
    c.last_checked = column_text(st, 2);
    c.payer_id = column_text(st, 3);
    c.submitted_date = column_text(st, 4);
    c.billed_amount = column_text(st, 5);
    c.paid_amount = column_text(st, 6);
    c.effective_date = column_text(st, 7);
    c.action = column_text(st, 8);
    try {
      handle(column_text(st, 0), c);
    } catch (...) {
      sqlite3_finalize(st);
      throw;
    }
  }
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) fail("cannot read the ledger");
}

std::map<std::string, payer_scorecard> ledger::scorecards(const read_claims& read) {
  struct claim_info {
    std::string payer;
    std::string state;
    std::string submitted;
    dates::day_number paid_day = 0;
    bool has_paid = false;
    bool not_found = false;
  };
  std::unordered_map<std::string, claim_info> claims;
  for_each_claim([&](std::string_view id, std::string_view payer, std::string_view state, std::string_view submitted) {
    auto& c = claims[std::string(id)];
    c.payer = payer;
    c.state = state;
    c.submitted = submitted;
    if (c.state == "not_found") c.not_found = true;
  });
  // The history says when a claim was first paid and whether
  // the payer ever said it had no record of it.
  for_each_history([&](std::string_view id, std::string_view payer, std::string_view state, std::string_view effective,
                       std::string_view written, std::string_view submitted) {
    auto& c = claims[std::string(id)];
    if (c.payer.empty()) c.payer = payer;
    if (c.state.empty()) c.state = state;
    if (c.submitted.empty()) c.submitted = submitted;
    if (state == "not_found") c.not_found = true;
    if (!c.has_paid && state == "paid") {
      dates::day_number d;
      dates::instant w;
      if (dates::parse(effective, d)) {
        c.paid_day = d;
        c.has_paid = true;
      } else if (dates::parse_instant(written, w)) {
        c.paid_day = dates::utc_day(w);
        c.has_paid = true;
      }
    }
  });

  std::map<std::string, payer_scorecard> out;
  for (const auto& [id, c] : claims) {
    auto r = read.find(id);
    const read_claim* rc = r != read.end() ? &r->second : nullptr;
    auto& s = out[rc != nullptr && !rc->payer_id.empty() ? rc->payer_id : c.payer];
    ++s.claims;
    if (finalized_state(c.state)) {
      ++s.finalized;
      if (c.state == "denied") ++s.denied;
    }
    dates::day_number sub = 0;
    bool has_sub = rc != nullptr && rc->has_submitted;
    if (has_sub) sub = rc->submitted;
    else has_sub = dates::parse(c.submitted, sub);
    if (c.has_paid && has_sub) s.days_to_pay.push_back(c.paid_day - sub);
    if (c.not_found) ++s.ever_not_found;
  }
  return out;
}

void ledger::for_each_claim(const claim_row& f) {
  const char* sql = "SELECT claim_id, payer_id, state, submitted_date FROM claims";
  if (pg_) {
    claimkit::ledger::pg_rows r = (*pg_)->query(sql, {});
    for (int i = 0; i < r.size(); ++i) f(r.text(i, 0), r.text(i, 1), r.text(i, 2), r.text(i, 3));
    return;
  }
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db_, sql, -1, &st, nullptr) != SQLITE_OK) fail("cannot read the ledger");
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    f(column_text(st, 0), column_text(st, 1), column_text(st, 2), column_text(st, 3));
  }
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) fail("cannot read the ledger");
}

void ledger::for_each_history(const history_row& f) {
  const char* sql =
      "SELECT claim_id, payer_id, state, effective_date, written_at, submitted_date FROM status_history ORDER BY id";
  if (pg_) {
    claimkit::ledger::pg_rows r = (*pg_)->query(sql, {});
    for (int i = 0; i < r.size(); ++i)
      f(r.text(i, 0), r.text(i, 1), r.text(i, 2), r.text(i, 3), r.text(i, 4), r.text(i, 5));
    return;
  }
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db_, sql, -1, &st, nullptr) != SQLITE_OK) {
    fail("not a claimkit ledger (no status_history table)");
  }
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    f(column_text(st, 0), column_text(st, 1), column_text(st, 2), column_text(st, 3), column_text(st, 4),
      column_text(st, 5));
  }
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) fail("cannot read the ledger");
}

}  // namespace claimkit::age
