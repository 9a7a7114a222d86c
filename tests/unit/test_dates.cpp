#include <doctest/doctest.h>

#include <fmt/format.h>

#include <string>

#include "dates/civil.hpp"

using namespace claimkit::dates;
namespace dates = claimkit::dates;

TEST_CASE("leap years follow the Gregorian rule") {
  CHECK(is_leap_year(2024));
  CHECK_FALSE(is_leap_year(2023));
  CHECK_FALSE(is_leap_year(1900));
  CHECK(is_leap_year(2000));
  CHECK(days_in_month(2024, 2) == 29);
  CHECK(days_in_month(2100, 2) == 28);
  CHECK(days_in_month(2026, 4) == 30);
}

TEST_CASE("day numbers round-trip and count from 1970-01-01") {
  day_number d = 0;
  REQUIRE(parse("1970-01-01", d));
  CHECK(d == 0);
  REQUIRE(parse("2000-03-01", d));
  CHECK(d == 11017);
  CHECK(format(d) == "2000-03-01");
  for (day_number x = -800000; x <= 800000; x += 997) {
    civil c = from_days(x);
    CHECK(to_days(c) == x);
  }
  CHECK(format(to_days({1, 1, 1})) == "0001-01-01");
  CHECK(format(to_days({9999, 12, 31})) == "9999-12-31");
}

TEST_CASE("differences across leap days are exact") {
  day_number a, b;
  REQUIRE(parse("2024-02-28", a));
  REQUIRE(parse("2024-03-01", b));
  CHECK(b - a == 2);
  REQUIRE(parse("2023-02-28", a));
  REQUIRE(parse("2023-03-01", b));
  CHECK(b - a == 1);
  REQUIRE(parse("2024-01-01", a));
  REQUIRE(parse("2025-01-01", b));
  CHECK(b - a == 366);
  CHECK(format(a + 365) == "2024-12-31");
}

TEST_CASE("parse is strict") {
  day_number d;
  CHECK(parse("2024-02-29", d));
  CHECK_FALSE(parse("2023-02-29", d));
  CHECK_FALSE(parse("2026-13-01", d));
  CHECK_FALSE(parse("2026-00-10", d));
  CHECK_FALSE(parse("2026-04-31", d));
  CHECK_FALSE(parse("2026-4-3", d));
  CHECK_FALSE(parse("20260403", d));
  CHECK_FALSE(parse("2026-04-03T00:00:00Z", d));
  CHECK_FALSE(parse("0000-01-01", d));
  CHECK_FALSE(parse("2026-0a-01", d));
  CHECK_FALSE(parse("", d));
}

TEST_CASE("timestamps give their calendar date") {
  day_number d, e;
  REQUIRE(parse("2026-11-20", e));
  REQUIRE(parse_timestamp_date("2026-11-20T23:59:59Z", d));
  CHECK(d == e);
  REQUIRE(parse_timestamp_date("2026-11-20 08:00:00+02:00", d));
  CHECK(d == e);
  REQUIRE(parse_timestamp_date("2026-11-20", d));
  CHECK(d == e);
  CHECK_FALSE(parse_timestamp_date("2026-11-20X", d));
  CHECK_FALSE(parse_timestamp_date("2026-11", d));
}

TEST_CASE("X12 D8 dates (CCYYMMDD)") {
  day_number d, e;
  REQUIRE(parse_d8("20240229", d));
  REQUIRE(parse("2024-02-29", e));
  CHECK(d == e);
  CHECK(format_d8(d) == "20240229");
  CHECK(format_d8(to_days({1, 1, 1})) == "00010101");
  CHECK_FALSE(parse_d8("20230229", d));
  CHECK_FALSE(parse_d8("2024-02-29", d));
  CHECK_FALSE(parse_d8("2024022", d));
  CHECK_FALSE(parse_d8("00000101", d));
  CHECK_FALSE(parse_d8("2024o229", d));
  CHECK(iso_to_d8("2026-11-20") == "20261120");
  CHECK(iso_to_d8("2026-11-31").empty());
  CHECK(iso_to_d8("").empty());
}

TEST_CASE("US month/day/year dates are rearranged, not judged") {
  CHECK(us_to_iso("1/5/2026") == "2026-01-05");
  CHECK(us_to_iso("12/31/2025") == "2025-12-31");
  CHECK(us_to_iso("2/30/2026") == "2026-02-30");  // parse() refuses it later, with the field named
  CHECK(us_to_iso("2026-01-05") == "2026-01-05");
  CHECK(us_to_iso("1/5/26") == "1/5/26");
  CHECK(us_to_iso("123/5/2026") == "123/5/2026");
  CHECK(us_to_iso("a/5/2026") == "a/5/2026");
  CHECK(us_to_iso("") == "");
}

// A reference model written here: the civil-from-days count by walking the
// calendar a day at a time, against the std::chrono based conversions.
TEST_CASE("day numbers agree with a day-by-day walk of the calendar") {
  civil c{1900, 1, 1};
  day_number n = to_days(c);
  CHECK(n == -25567);
  for (int i = 0; i < 200 * 366; ++i, ++n) {
    REQUIRE(to_days(c) == n);
    civil back = from_days(n);
    REQUIRE((back.year == c.year && back.month == c.month && back.day == c.day));
    int len = c.month == 2 ? ((c.year % 4 == 0 && c.year % 100 != 0) || c.year % 400 == 0 ? 29 : 28)
              : (c.month == 4 || c.month == 6 || c.month == 9 || c.month == 11) ? 30
                                                                                : 31;
    REQUIRE(days_in_month(c.year, c.month) == len);
    if (++c.day > len) {
      c.day = 1;
      if (++c.month > 12) {
        c.month = 1;
        ++c.year;
      }
    }
  }
}

TEST_CASE("the word-at-a-time D8 check agrees with parse_d8 on every day and on near misses") {
  // valid_d8 is x12-parse's allocation-free check; parse_d8 goes through
  // civil. Every real day of 1899-2101 passes both; day 0, the day after a
  // month's last and month 13 fail both; only year 0000 sets them apart.
  for (dates::day_number d = dates::to_days({1899, 1, 1}); d <= dates::to_days({2101, 12, 31}); ++d) {
    std::string d8 = dates::format_d8(d);
    REQUIRE(dates::valid_d8(d8));
    std::string iso;
    REQUIRE(dates::d8_to_iso(d8, iso));
    CHECK(iso == dates::format(d));
    dates::civil c = dates::from_days(d);
    for (int day : {0, dates::days_in_month(c.year, c.month) + 1}) {
      std::string bad = fmt::format("{:04}{:02}{:02}", c.year, c.month, day);
      dates::day_number ignored = 0;
      CHECK(dates::valid_d8(bad) == dates::parse_d8(bad, ignored));
      CHECK_FALSE(dates::valid_d8(bad));
    }
  }
  CHECK_FALSE(dates::valid_d8("20241301"));
  CHECK_FALSE(dates::valid_d8("2024010"));
  CHECK_FALSE(dates::valid_d8("2024-1-1"));
  CHECK_FALSE(dates::valid_d8("2024O101"));
  CHECK(dates::valid_d8("00000229"));  // X12 may write year 0000; 0 is a leap year
}
