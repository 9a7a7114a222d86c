#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace claimkit::age {

/// What the pm-push ledger knows about one claim (its `claims` row).
struct ledger_claim {
  std::string state;
  std::string last_checked;  // RFC 3339 UTC
  std::string payer_id;
  std::string submitted_date;
  std::string billed_amount;  // decimal text
  std::string paid_amount;
  std::string line_followups;  // of the current status, JSON array; empty when none
};

/// Payer history from `status_history` and `claims`.
struct payer_scorecard {
  std::int64_t claims = 0;           // claims of this payer in the ledger
  std::int64_t finalized = 0;        // current state paid, denied or finalized
  std::int64_t denied = 0;           // current state denied
  std::int64_t ever_not_found = 0;   // claims reported not on file at least once
  std::vector<std::int32_t> days_to_final;  // submission to first finalized status

  /// Median days to finalization in halves of a day (so 12.5 is exact);
  /// -1 when no claim has both dates.
  std::int64_t median_half_days() const;
};

/// The pm-push SQLite ledger, opened read-only: claim-age never writes it
/// and can run while pm-push does (WAL readers do not block the writer).
class ledger {
 public:
  /// Throws claimkit::error (3) when the file cannot be opened or lacks the
  /// `claims` table.
  explicit ledger(const std::string& path);
  ~ledger();
  ledger(const ledger&) = delete;
  ledger& operator=(const ledger&) = delete;

  /// Looks a claim up by claim id; false when the ledger has no row.
  bool find(std::string_view claim_id, ledger_claim& out);

  /// One scorecard per payer id ("" for claims without a payer).
  std::map<std::string, payer_scorecard> scorecards();

 private:
  void fail(const std::string& what);
  std::string path_;
  sqlite3* db_ = nullptr;
  sqlite3_stmt* find_ = nullptr;
};

}  // namespace claimkit::age
