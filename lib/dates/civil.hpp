#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "valid_d8 reads eight digits as one little-endian word");

namespace claimkit::dates {

/// A calendar day as a count of days since 1970-01-01 in the proleptic
/// Gregorian calendar (std::chrono::sys_days' count). Plain integers keep
/// date differences exact and free of time zones and daylight-saving jumps.
using day_number = std::int32_t;

struct civil {
  int year = 1970;
  int month = 1;  // 1-12
  int day = 1;    // 1-31
};

bool is_leap_year(int year);
int days_in_month(int year, int month);

day_number to_days(const civil& c);
civil from_days(day_number d);

/// Parses exactly "YYYY-MM-DD" (years 0001-9999) and checks the day exists
/// (2024-02-29 yes, 2023-02-29 no). Returns false otherwise.
bool parse(std::string_view text, day_number& out);

/// Parses exactly "CCYYMMDD" (the X12 D8 form), with the checks of parse().
bool parse_d8(std::string_view text, day_number& out);

/// True when d8 is a real CCYYMMDD calendar date (leap years included; year
/// 0000 allowed, as X12 may write it), without allocating: x12-parse checks
/// every date of every claim with it, so the eight digits are read as one
/// word instead of through civil (parse_d8 gives the day number).
[[gnu::always_inline]] inline bool valid_d8(std::string_view d8) {
  if (d8.size() != 8) return false;
  std::uint64_t x;
  std::memcpy(&x, d8.data(), 8);
  // Every byte '0'..'9': high nibble 3, and still 3 after adding 6.
  constexpr std::uint64_t kHigh = 0xF0F0F0F0F0F0F0F0u, kThrees = 0x3030303030303030u;
  if ((x & kHigh) != kThrees || ((x + 0x0606060606060606u) & kHigh) != kThrees) return false;
  x -= kThrees;  // the digit values, first character in the low byte
  auto at = [x](int i) { return static_cast<unsigned>((x >> (8 * i)) & 0xff); };
  const unsigned m = at(4) * 10 + at(5);
  const unsigned day = at(6) * 10 + at(7);
  if (m - 1 >= 12 || day - 1 >= 31) return false;
  if (day <= 28) return true;  // every month has them: no table, no year
  static constexpr unsigned char kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (day <= kDays[m - 1]) return true;
  const unsigned y = at(0) * 1000 + at(1) * 100 + at(2) * 10 + at(3);
  return m == 2 && day == 29 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0);
}

/// A valid_d8() date "CCYYMMDD" as "CCYY-MM-DD" in out; false (out
/// unchanged) otherwise.
bool d8_to_iso(std::string_view d8, std::string& out);

/// "1/5/2026" and "01/05/2026" (month/day/year, the US order PM systems
/// export) as "2026-01-05", digits rearranged only (parse() judges the date);
/// any other text is returned as it is.
std::string us_to_iso(std::string_view text);

/// Parses the date part of an RFC 3339 timestamp ("2026-11-20T14:03:00Z",
/// also a bare date). The calendar date written is taken as is: no time
/// zone conversion.
bool parse_timestamp_date(std::string_view text, day_number& out);

/// "YYYY-MM-DD".
std::string format(day_number d);
void append(std::string& out, day_number d);
/// "CCYYMMDD" (X12 D8).
std::string format_d8(day_number d);
/// A "YYYY-MM-DD" date as "CCYYMMDD"; empty when it is not a date parse() takes.
std::string iso_to_d8(std::string_view iso);

/// Today's date on the local clock (the TZ environment variable applies).
day_number today_local();

}  // namespace claimkit::dates
