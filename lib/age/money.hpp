#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace claimkit::age {

/// Money as an exact count of millionths of a currency unit. Sums and
/// percentages are integer arithmetic, so totals never print binary-float
/// noise such as 0.30000000000000004.
using micros = std::int64_t;

/// Products of amounts (shares, bar lengths) need more than 64 bits.
__extension__ typedef __int128 wide_int;

enum class amount_status { ok, not_a_number, negative, too_large };

/// Parses a JSON number's text (or the inside of a JSON string holding a
/// decimal, as the ledger stores amounts). Digits past the sixth decimal
/// are rounded half away from zero. Limit: 9,000,000,000,000 units.
amount_status parse_amount(std::string_view text, micros& out);

/// Appends the amount with exactly two decimals (rounded half away from
/// zero), optionally with thousands separators: 1234.5 -> "1,234.50".
void append_money(std::string& out, micros m, bool thousands = false);
std::string format_money(micros m, bool thousands = false);

/// part / whole in tenths of a percent, rounded half up; 0 when whole is 0.
std::int64_t share_tenths(micros part, micros whole);
/// Appends tenths as "41.7".
void append_tenths(std::string& out, std::int64_t tenths);

}  // namespace claimkit::age
