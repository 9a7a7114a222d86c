#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "age/aging.hpp"
#include "age/ledger.hpp"
#include "age/settings.hpp"

namespace claimkit::age {

/// Counts and outstanding dollars of one group (or of all claims).
struct group_totals {
  std::int64_t claims = 0;
  money_total amount;
  std::vector<std::int64_t> bucket_claims;
  std::vector<money_total> bucket_amount;
  std::int64_t over_90_claims = 0;
  money_total over_90_amount;

  void add(const aged_claim& c, std::size_t buckets);
};

/// The aging report (--summary): groups keyed by payer id, state or bucket,
/// rows sorted by key (bytewise; buckets in age order), a totals row, and
/// for --by payer with a ledger the payer scorecard columns.
class aging_report {
 public:
  explicit aging_report(const settings& s);

  void add(const aged_claim& c);
  /// Adds the scorecard columns (--by payer with --ledger), and a row for
  /// each ledger payer that has no open claim in the input.
  void set_scorecards(std::map<std::string, payer_scorecard> cards);

  void render(std::string& out) const;

  /// The group key shown for claims without a payer id.
  static constexpr const char* kNoPayer = "(none)";

 private:
  struct row {
    std::string key;
    const group_totals* totals;
    const payer_scorecard* card;  // nullptr when none
  };
  std::vector<row> rows() const;
  void render_table(std::string& out) const;
  void render_csv(std::string& out) const;
  void render_ndjson(std::string& out) const;
  const char* by_name() const;

  const settings& s_;
  std::map<std::string, group_totals, std::less<>> groups_;
  std::vector<group_totals> by_bucket_;
  group_totals total_;
  std::map<std::string, payer_scorecard> cards_;
  bool has_cards_ = false;
};

/// The work list as a table or CSV (--format table or csv without
/// --summary): claim id, payer (name, else id), age in days, amount
/// outstanding, state, action and next check date, one row per claim kept,
/// in the order given.
class worklist {
 public:
  explicit worklist(const settings& s) : s_(s) {}

  /// The row of c, held as text so that sorted output can keep it.
  std::string row(const aged_claim& c) const;
  /// CSV: appends the row (after the header line); table: keeps it.
  void add(std::string row, std::string& out);
  /// CSV: the header line when no row came; table: the aligned rows.
  void finish(std::string& out);

 private:
  const settings& s_;
  bool header_done_ = false;
  std::vector<std::string> rows_;
};

}  // namespace claimkit::age
