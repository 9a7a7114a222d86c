#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace claimkit::csv {

/// FIELD=HEADER pairs from --columns ("claim_id=Claim #,billed_amount=Charges").
using column_map = std::vector<std::pair<std::string, std::string>>;

/// Parses a --columns value. Throws claimkit::error (usage) for an item
/// without '=', an empty side, or a field that is not a claim field.
column_map parse_columns(std::string_view spec);

/// The claim fields a column can fill, as header names: nested fields with a
/// dot (subscriber.member_id). A header equal to one of these needs no
/// mapping.
const std::vector<std::string_view>& claim_fields();

/// Turns the rows of a CSV export into `claim` records (claimkit(7)).
class claim_mapper {
 public:
  /// Matches the header line against the mapping (ASCII case and surrounding
  /// blanks ignored) and the default names. Throws claimkit::error (usage)
  /// when a mapped header is missing or no column gives claim_id.
  claim_mapper(const std::vector<std::string>& header, const column_map& columns);

  /// One NDJSON line (without newline) for a data row: type claim, the mapped
  /// cells (empty ones left out), amounts as JSON numbers with their digits
  /// ($ and thousands separators dropped), MM/DD/YYYY dates as YYYY-MM-DD.
  /// An amount that is not a decimal stays a string for the reader to reject.
  std::string to_ndjson(const std::vector<std::string>& row) const;

  /// Columns that map to no field (ignored).
  std::size_t unmapped() const { return unmapped_; }

 private:
  std::vector<std::string> field_of_column_;  // "" for an ignored column
  std::size_t unmapped_ = 0;
};

}  // namespace claimkit::csv
