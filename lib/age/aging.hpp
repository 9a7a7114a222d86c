#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "age/ledger.hpp"
#include "age/settings.hpp"
#include "cli/reporter.hpp"
#include "ndjson/reader.hpp"

namespace claimkit::age {

/// What claim-age worked out for one record.
struct aged_claim {
  std::string_view claim_id;
  std::string_view payer_id;
  std::string_view payer_name;
  std::string_view state;   // effective state; "unknown" when nothing says
  std::string_view action;  // status-normalize's next action, the record's or the ledger's
  bool finalized = false;   // paid, denied or finalized (claimkit(7): final states)
  bool done = false;        // paid or finalized: off the work list (denied claims are work)
  int age_days = 0;
  age::basis age_basis = basis::submitted;
  std::size_t bucket = 0;
  money outstanding;
  std::int64_t priority_tenths = 0;
  bool has_deadline = false;
  dates::day_number filing_deadline = 0;
  int days_to_deadline = 0;
  bool filing_risk = false;
  bool due = true;
  bool has_next_check = false;  // false: no recheck planned (a final state) or never checked
  dates::day_number next_check = 0;
  bool rebuild = false;  // the record already has some of the added keys
  // Service lines that need work (status-normalize's line_followups, from
  // the record or else the ledger): the claim is work even when finalized.
  std::string_view line_followups;
  bool followups_from_ledger = false;
};

/// The add-fields pass: reads the dates, amounts and status of a `claim` or
/// `claim_status` record (joined with the ledger when there is one) and
/// computes age, bucket, priority, filing deadline and recheck due.
class ager {
 public:
  ager(const settings& s, cli::reporter& rep, ledger* led);

  /// False for records of other types (batch_status, ack, ...), which
  /// claim-age leaves alone. Throws ndjson::bad_record for a record it
  /// cannot age (missing claim_id, a bad date, a negative amount). The
  /// string views in out stay valid until the next call.
  bool evaluate(const ndjson::record& rec, aged_claim& out);

  /// True when the filters (--all, --older-than, --min-amount, --state,
  /// --payer, --due-only) keep the claim.
  bool keep(const aged_claim& c) const;

  /// Appends the record with the added fields and a newline. A field the
  /// record already has is replaced, not repeated; every other member is
  /// copied byte for byte. With a ledger, state and action are written as
  /// claim-age settled them (the record's or the ledger's).
  void write(const ndjson::record& rec, const aged_claim& c, std::string& out) const;

  std::uint64_t skipped_other_types() const { return skipped_; }

  /// Remembers the payer and submission date of every claim evaluated
  /// (kept or not), for the payer scorecard.
  void remember_claims(read_claims* seen) { seen_ = seen; }

 private:
  const settings& s_;
  cli::reporter& rep_;
  ledger* ledger_;
  ledger_claim row_;
  std::string id_scratch_, payer_scratch_, name_scratch_, state_scratch_, action_scratch_;
  std::vector<ndjson::member> sub_;
  std::vector<std::string_view> elems_;
  read_claims* seen_ = nullptr;
  bool warned_unlisted_ = false;
  std::uint64_t skipped_ = 0;
};

}  // namespace claimkit::age
