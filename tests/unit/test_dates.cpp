#include <doctest/doctest.h>

#include "dates/civil.hpp"

using namespace claimkit::dates;

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
