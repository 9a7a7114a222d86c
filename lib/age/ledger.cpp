#include "age/ledger.hpp"

#include <algorithm>
#include <unordered_map>

#include <fmt/format.h>
#include <sqlite3.h>

#include "core/error.hpp"
#include "dates/instant.hpp"

namespace claimkit::age {
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

bool ledger::find(std::string_view claim_id, ledger_claim& out) {
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
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db_, "SELECT claim_id, payer_id, state, submitted_date FROM claims", -1, &st, nullptr) !=
      SQLITE_OK) {
    fail("cannot read the ledger");
  }
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    auto& c = claims[column_text(st, 0)];
    c.payer = column_text(st, 1);
    c.state = column_text(st, 2);
    c.submitted = column_text(st, 3);
    if (c.state == "not_found") c.not_found = true;
  }
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) fail("cannot read the ledger");

  // The history says when a claim was first paid and whether
  // the payer ever said it had no record of it.
  if (sqlite3_prepare_v2(db_,
                         "SELECT claim_id, payer_id, state, effective_date, written_at, submitted_date "
                         "FROM status_history ORDER BY id",
                         -1, &st, nullptr) != SQLITE_OK) {
    fail("not a claimkit ledger (no status_history table)");
  }
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    auto& c = claims[column_text(st, 0)];
    std::string state = column_text(st, 2);
    if (c.payer.empty()) c.payer = column_text(st, 1);
    if (c.state.empty()) c.state = state;
    if (c.submitted.empty()) c.submitted = column_text(st, 5);
    if (state == "not_found") c.not_found = true;
    if (!c.has_paid && state == "paid") {
      dates::day_number d;
      dates::instant w;
      if (dates::parse(column_text(st, 3), d)) {
        c.paid_day = d;
        c.has_paid = true;
      } else if (dates::parse_instant(column_text(st, 4), w)) {
        c.paid_day = dates::utc_day(w);
        c.has_paid = true;
      }
    }
  }
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) fail("cannot read the ledger");

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

}  // namespace claimkit::age
