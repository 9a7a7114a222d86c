#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "dates/civil.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace claimkit::age {

struct pg_source;  // a PostgreSQL ledger's connection (ledger.cpp)

/// What the pm-push ledger knows about one claim (its `claims` row).
struct ledger_claim {
  std::string state;
  std::string last_checked;  // RFC 3339 UTC
  std::string payer_id;
  std::string submitted_date;
  std::string effective_date;
  std::string billed_amount;  // decimal text
  std::string paid_amount;
  std::string line_followups;  // of the current status, JSON array; empty when none
  std::string action;          // status-normalize's next action of the current status
  std::string next_check;      // YYYY-MM-DD (schema version 5); empty when not set
};

/// What the claims read said of a claim: the scorecard's payer and
/// submission date come from here first.
struct read_claim {
  std::string payer_id;
  dates::day_number submitted = 0;
  bool has_submitted = false;
};
using read_claims = std::unordered_map<std::string, read_claim>;

/// Payer history from `status_history` and `claims`.
struct payer_scorecard {
  std::int64_t claims = 0;                // claims of this payer in the ledger
  std::int64_t finalized = 0;             // current state paid, denied or finalized
  std::int64_t denied = 0;                // current state denied
  std::int64_t ever_not_found = 0;        // claims reported not on file at least once
  std::vector<std::int32_t> days_to_pay;  // submission to the first paid status (may be negative)

  /// Median days to pay in halves of a day (so 12.5 is exact); false when
  /// no claim has both dates.
  bool median_half_days(std::int64_t& out) const;
  /// 90th percentile of days to pay (nearest rank); false when none.
  bool p90_days(std::int64_t& out) const;
};

/// The pm-push ledger, opened read-only: a SQLite file (claim-age never
/// writes it and can run while pm-push does: WAL readers do not block the
/// writer) or a PostgreSQL database named by a postgresql:// URI (a
/// read-only session; the claims table is read once, on the first find).
class ledger {
 public:
  /// Throws claimkit::error (3) when the file cannot be opened or lacks the
  /// `claims` table; (4) when the database cannot be reached; (2) for a URI
  /// with a password.
  explicit ledger(const std::string& path);
  ~ledger();
  ledger(const ledger&) = delete;
  ledger& operator=(const ledger&) = delete;

  /// Looks a claim up by claim id; false when the ledger has no row.
  bool find(std::string_view claim_id, ledger_claim& out);

  /// Every claim whose current state is not paid or finalized, in claim id
  /// order, for claim-age without inputs.
  void for_each_open(const std::function<void(const std::string& claim_id, const ledger_claim&)>& handle);

  /// One scorecard per payer id ("" for claims without a payer). A claim
  /// counts for the payer the claims read give it, else for the ledger's
  /// payer of it; its submission date likewise.
  std::map<std::string, payer_scorecard> scorecards(const read_claims& read);

 private:
  void fail(const std::string& what);
  using claim_row = std::function<void(std::string_view claim_id, std::string_view payer, std::string_view state,
                                       std::string_view submitted)>;
  using history_row =
      std::function<void(std::string_view claim_id, std::string_view payer, std::string_view state,
                         std::string_view effective, std::string_view written, std::string_view submitted)>;
  void for_each_claim(const claim_row& f);
  void for_each_history(const history_row& f);
  void load_pg_claims();
  std::string path_;
  std::unique_ptr<pg_source> pg_;
  bool pg_loaded_ = false;
  std::unordered_map<std::string, ledger_claim> pg_claims_;
  sqlite3* db_ = nullptr;
  sqlite3_stmt* find_ = nullptr;
};

}  // namespace claimkit::age
