#include <doctest/doctest.h>

#include <ctime>

#include "dates/instant.hpp"

using namespace claimkit::dates;

namespace {
instant at(const char* s) {
  instant t{-1, -1};
  REQUIRE(parse_instant(s, t));
  return t;
}
}  // namespace

TEST_CASE("instants honour offsets; a date is 00:00:00Z") {
  CHECK(at("1970-01-01") == instant{0, 0});
  CHECK(at("1970-01-01T00:00:01Z") == instant{1, 0});
  CHECK(at("2026-11-20T10:00:00-05:00") == at("2026-11-20T15:00:00Z"));
  CHECK(at("2026-11-20T00:30:00+05:30") == at("2026-11-19T19:00:00z"));
  CHECK(at("2026-11-20t14:00:00.25Z") == instant{at("2026-11-20T14:00:00Z").seconds, 250'000'000});
  CHECK(at("2026-11-20 14:00:00.1234567891Z").nanos == 123'456'789);
  CHECK(at("2026-11-20T14:00:00Z") > at("2026-11-20T09:00:00Z"));  // same day, later
  CHECK(at("2026-11-20") < at("2026-11-20T00:00:00.000000001Z"));
  CHECK(utc_day(at("2026-11-20T23:30:00-05:00")) == utc_day(at("2026-11-21")));
  CHECK(utc_day(at("1969-12-31T23:59:59Z")) == -1);
}

TEST_CASE("anything but a whole RFC 3339 time or date is refused") {
  instant t;
  for (const char* bad :
       {"", "2026-11-20T10:00:00Zjunk", "2026-11-20 garbage", "2026-11-20T25:00:00Z", "2026-11-20T10:60:00Z",
        "2026-11-20T10:00:00", "2026-11-20T10:00Z", "2026-02-30", "2026-02-30T10:00:00Z", "2026-11-20T10:00:00.Z",
        "2026-11-20T10:00:00+0500", "2026-11-20T10:00:00+05:00x", "2026-11-20x", "11/20/2026"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_instant(bad, t));
  }
}

TEST_CASE("instants are written in UTC, whole seconds") {
  instant t;
  REQUIRE(parse_instant("2026-11-20T09:03:07.9-05:00", t));
  CHECK(format_rfc3339(t) == "2026-11-20T14:03:07Z");
  CHECK(format_basic(t) == "20261120T140307Z");
  utc_time u = utc_of(t);
  CHECK((u.hour == 14 && u.minute == 3 && u.second == 7));
  REQUIRE(parse_instant("1969-12-31T23:59:59Z", t));
  CHECK(format_rfc3339(t) == "1969-12-31T23:59:59Z");
  CHECK(utc_day(t) == -1);
  CHECK(format_rfc3339(instant{0, 0}) == "1970-01-01T00:00:00Z");
  // now() is the system clock: the same second as time(nullptr), give or take one.
  long long before = static_cast<long long>(std::time(nullptr));
  instant n = now();
  CHECK(n.seconds >= before);
  CHECK(n.seconds <= static_cast<long long>(std::time(nullptr)));
  CHECK((n.nanos >= 0 && n.nanos < 1000000000));
}
