#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

namespace claimkit::age {

/// Products of amounts (shares, bar lengths) and sums need more than 64 bits.
__extension__ typedef __int128 wide_int;

/// 10^18: one currency unit in the smallest step an amount can hold.
inline constexpr std::int64_t kAttoPerUnit = 1'000'000'000'000'000'000LL;

/// A non-negative amount, exact: whole units plus 10^-18ths of a unit (the
/// documented range: below 10^18 units, at most 18 decimal places once
/// trailing zeros are dropped). The order is the order of the values.
struct money {
  std::int64_t units = 0;
  std::int64_t atto = 0;  // 0 <= atto < kAttoPerUnit
  auto operator<=>(const money&) const = default;
};

/// a - b for a >= b.
money minus(money a, money b);

/// A sum of amounts. The units are 128-bit: 2^127 / 10^18 amounts at the
/// top of the range would be needed to overflow it.
struct money_total {
  wide_int units = 0;
  std::int64_t atto = 0;
  void add(money m) {
    units += m.units;
    atto += m.atto;
    if (atto >= kAttoPerUnit) {
      atto -= kAttoPerUnit;
      ++units;
    }
  }
  auto operator<=>(const money_total&) const = default;
};

enum class amount_status { ok, not_a_number, negative, too_large, too_precise };

/// Parses a JSON number's text (or the inside of a JSON string holding a
/// decimal, as the ledger stores amounts), exactly. too_large: 10^18 units
/// or more; too_precise: a non-zero digit past the 18th decimal place.
amount_status parse_amount(std::string_view text, money& out);

/// The amount as a double (priority score only; never summed).
double approx_units(money m);

/// Appends the amount with exactly two decimals (rounded half away from
/// zero), optionally with thousands separators: 1234.5 -> "1,234.50".
void append_money(std::string& out, const money_total& m, bool thousands = false);
std::string format_money(const money_total& m, bool thousands = false);
std::string format_money(money m, bool thousands = false);

/// round(part * scale / whole), halves up, computed exactly, for
/// 0 <= part <= whole; 0 when whole is 0.
std::int64_t scaled_ratio(const money_total& part, const money_total& whole, std::int64_t scale);

/// part / whole in tenths of a percent, rounded half up; 0 when whole is 0.
std::int64_t share_tenths(const money_total& part, const money_total& whole);
std::int64_t share_tenths(std::int64_t part, std::int64_t whole);
/// Appends tenths as "41.7".
void append_tenths(std::string& out, std::int64_t tenths);

}  // namespace claimkit::age
