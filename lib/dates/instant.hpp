#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "dates/civil.hpp"

namespace claimkit::dates {

/// A point in time: seconds since 1970-01-01T00:00:00Z and a fraction.
struct instant {
  std::int64_t seconds = 0;
  std::int32_t nanos = 0;  // 0..999999999
  auto operator<=>(const instant&) const = default;
};

/// Parses a whole RFC 3339 date-time ("2026-11-20T14:03:00Z",
/// "2026-11-20T09:03:00.25-05:00"; "t", "z" and a space for "T" accepted)
/// or a bare date, which stands for 00:00:00Z of that day. The offset is
/// honoured; digits past nanoseconds are dropped; nothing may follow.
bool parse_instant(std::string_view text, instant& out);

/// The UTC calendar day of an instant.
day_number utc_day(const instant& t);

/// The UTC day and time of day of an instant (seconds; the fraction dropped).
struct utc_time {
  day_number day = 0;
  int hour = 0;
  int minute = 0;
  int second = 0;
};
utc_time utc_of(const instant& t);

/// Now, on the system clock.
instant now();

/// "YYYY-MM-DDTHH:MM:SSZ" (UTC, whole seconds).
std::string format_rfc3339(const instant& t);
/// "YYYYMMDDTHHMMSSZ", the ISO 8601 basic form (UTC, whole seconds), for names.
std::string format_basic(const instant& t);

}  // namespace claimkit::dates
