#pragma once

#include <cstdint>
#include <string>
#include <string_view>

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
