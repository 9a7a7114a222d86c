#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "age/buckets.hpp"
#include "age/filing_limits.hpp"
#include "age/money.hpp"
#include "age/priority.hpp"
#include "age/recheck.hpp"
#include "csv/claims.hpp"
#include "csv/input.hpp"
#include "dates/civil.hpp"

namespace claimkit::age {

/// Where age is counted from. The chosen date comes first; when a record
/// lacks it the others are tried in the order submitted, service, status.
enum class basis { submitted, service, status };
enum class sort_key { none, priority, age, amount };
enum class group_by { payer, state, bucket };
enum class report_format { table, csv, ndjson };
/// by_name: CSV when the file name ends in .csv, else NDJSON.
using input_format = csv::input_format;

const char* basis_name(basis b);

/// Everything a run needs, resolved and validated (claim-age(1) OPTIONS).
struct settings {
  dates::day_number as_of = 0;
  age::basis basis = basis::submitted;
  age::buckets buckets;
  age::weights weights;
  filing_limits limits = filing_limits::builtin();
  recheck_plan recheck;
  std::string ledger_path;

  age::input_format input = input_format::by_name;
  csv::column_map columns;
  bool columns_given = false;

  std::optional<int> older_than;
  std::optional<money> min_amount;
  std::vector<std::string> states;
  std::vector<std::string> payers;
  std::vector<std::string> skip_payers;  // --skip-payer
  bool due_only = false;
  bool all = false;

  sort_key sort = sort_key::none;
  std::size_t top = 0;  // 0: no limit

  bool summary = false;
  group_by by = group_by::bucket;
  /// The report's format, or with no --summary the work list's (ndjson:
  /// the records with the added fields).
  report_format format = report_format::ndjson;
  /// No input files with a ledger: the ledger's open claims are the input.
  bool ledger_only = false;
  bool ascii = false;
};

}  // namespace claimkit::age
