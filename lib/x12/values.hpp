#pragma once

#include <string>
#include <string_view>

namespace claimkit::x12 {

/// Converts an X12 CCYYMMDD date into YYYY-MM-DD; false when it is not a
/// real calendar date (leap years included).
bool convert_date(std::string_view d8, std::string& out);

/// True when d8 is a real CCYYMMDD calendar date (no allocation).
bool valid_date(std::string_view d8);

/// Splits an RD8 range "CCYYMMDD-CCYYMMDD" into two converted dates.
bool convert_range(std::string_view rd8, std::string& from, std::string& to);

/// True when a 10-digit NPI passes its Luhn check (with the 80840 prefix).
bool valid_npi(std::string_view npi);

/// True when a segment identifier has the X12 shape: 2-3 upper-case letters or digits, starting with a letter.
bool valid_segment_id(std::string_view tag);

}  // namespace claimkit::x12
