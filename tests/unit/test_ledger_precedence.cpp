#include <doctest/doctest.h>

#include <cstdio>
#include <ctime>
#include <optional>
#include <random>
#include <string>
#include <string_view>

#include "dates/instant.hpp"
#include "ledger/precedence.hpp"

using claimkit::ledger::decide;
using claimkit::ledger::evidence;
// The ledger compares times through the kit's one date module; these pin the
// forms it must read, as microseconds since the epoch (nothing: unreadable).
static std::optional<long long> parse_instant(std::string_view text) {
  claimkit::dates::instant t;
  if (!claimkit::dates::parse_instant(text, t)) return std::nullopt;
  return t.seconds * 1000000LL + t.nanos / 1000;
}
using claimkit::ledger::precedence;

namespace {

struct rule_case {
  const char* name;
  evidence current, incoming;
  precedence want;
};

}  // namespace

TEST_CASE("precedence: the rule, case by case") {
  const rule_case cases[] = {
      // Strength: a weak newcomer never replaces a strong current status.
      {"status-less over coded", {"denied", "F2", "2026-03-02"}, {"unknown", "", ""}, precedence::weaker},
      {"status-less, newer, over coded",
       {"denied", "F2", "2026-03-02"},
       {"pending", "", "2026-03-09"},
       precedence::weaker},
      {"unknown state over coded", {"denied", "F2", "2026-03-02"}, {"unknown", "E0", "2026-03-09"}, precedence::weaker},
      {"incomplete over coded", {"denied", "F2", "2026-03-02"}, {"paid", "F1", "2026-03-09", true}, precedence::weaker},
      // A weak current status gives way to any newcomer not older than it.
      {"coded over status-less", {"unknown", "", ""}, {"denied", "F2", "2026-03-02"}, precedence::replaces},
      {"coded over incomplete",
       {"denied", "F2", "2026-03-02", true},
       {"denied", "F2", "2026-03-02"},
       precedence::replaces},
      {"weak over weak, same day", {"unknown", "", "2026-03-02"}, {"unknown", "", "2026-03-02"}, precedence::replaces},
      {"weak over weak, older", {"unknown", "", "2026-03-05"}, {"unknown", "", "2026-03-02"}, precedence::older},
      {"coded but older over weak", {"unknown", "", "2026-03-05"}, {"denied", "F2", "2026-03-02"}, precedence::older},
      // Time, between equals.
      {"older date", {"paid", "F1", "2026-03-10"}, {"pending", "P1", "2026-03-01"}, precedence::older},
      {"newer date, a step back", {"paid", "F1", "2026-03-01"}, {"pending", "P1", "2026-03-10"}, precedence::replaces},
      {"same date: the newcomer", {"paid", "F1", "2026-03-10"}, {"denied", "F2", "2026-03-10"}, precedence::replaces},
      {"date against a later timestamp that day",
       {"paid", "F1", "2026-03-10T09:00:00Z"},
       {"pending", "P1", "2026-03-10"},
       precedence::older},
      {"date is midnight UTC: a tie",
       {"paid", "F1", "2026-03-10T00:00:00Z"},
       {"pending", "P1", "2026-03-10"},
       precedence::replaces},
      {"offsets honoured: 01:00+02:00 is before 00:30Z",
       {"paid", "F1", "2026-03-10T00:30:00Z"},
       {"pending", "P1", "2026-03-10T01:00:00+02:00"},
       precedence::older},
      {"offsets honoured: 20:00-05:00 is the next day UTC",
       {"paid", "F1", "2026-03-11"},
       {"pending", "P1", "2026-03-10T20:00:00-05:00"},
       precedence::replaces},
      {"fractions compared",
       {"paid", "F1", "2026-03-10T10:00:00.5Z"},
       {"pending", "P1", "2026-03-10T10:00:00.25Z"},
       precedence::older},
      // Without a readable time on either side, time does not decide.
      {"no current time", {"paid", "F1", ""}, {"pending", "P1", "2026-03-01"}, precedence::replaces},
      {"no newcomer time", {"paid", "F1", "2026-03-10"}, {"pending", "P1", ""}, precedence::replaces},
      {"unreadable newcomer time", {"paid", "F1", "2026-03-10"}, {"pending", "P1", "20260301"}, precedence::replaces},
      {"timestamp without offset is not an instant",
       {"paid", "F1", "2026-03-10"},
       {"pending", "P1", "2026-03-01T10:00:00"},
       precedence::replaces},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    CHECK(decide(c.current, c.incoming) == c.want);
  }
}

TEST_CASE("precedence: strength") {
  CHECK(claimkit::ledger::is_strong({"denied", "F2", ""}));
  CHECK_FALSE(claimkit::ledger::is_strong({"denied", "", ""}));
  CHECK_FALSE(claimkit::ledger::is_strong({"unknown", "F2", ""}));
  CHECK_FALSE(claimkit::ledger::is_strong({"denied", "F2", "", true}));
  CHECK(claimkit::ledger::to_string(precedence::weaker) == "weaker");
  CHECK(claimkit::ledger::to_string(precedence::older) == "older");
  CHECK(claimkit::ledger::to_string(precedence::replaces).empty());
}

TEST_CASE("precedence: instants") {
  CHECK(parse_instant("1970-01-01") == 0);
  CHECK(parse_instant("1970-01-02") == 86400LL * 1000000);
  CHECK(parse_instant("1970-01-01T00:00:01Z") == 1000000);
  CHECK(parse_instant("1970-01-01t00:00:01z") == 1000000);
  CHECK(parse_instant("1970-01-01 00:00:01Z") == 1000000);
  CHECK(parse_instant("1970-01-01T01:00:00+01:00") == 0);
  CHECK(parse_instant("1970-01-01T00:00:00.000001Z") == 1);
  CHECK(parse_instant("1970-01-01T00:00:00.1234567Z") == 123456);
  CHECK(parse_instant("1970-01-01T23:59:60Z") == 86400LL * 1000000);  // a leap second
  for (const char* bad : {"", "2026-02-30", "2026-3-1", "20260301", "2026-03-01T", "2026-03-01T10:00Z",
                          "2026-03-01T10:00:00", "2026-03-01T24:00:00Z", "2026-03-01T10:00:00.Z",
                          "2026-03-01T10:00:00+0100", "2026-03-01T10:00:00Zjunk", "2026-03-01x"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_instant(bad).has_value());
  }
}

// Randomized against timegm(3) as the reference for the calendar and offsets.
TEST_CASE("precedence: instants agree with timegm on random timestamps") {
  std::mt19937 rng(17);
  for (int i = 0; i < 2000; ++i) {
    int y = 1971 + static_cast<int>(rng() % 120), mo = 1 + static_cast<int>(rng() % 12),
        d = 1 + static_cast<int>(rng() % 28), h = static_cast<int>(rng() % 24), mi = static_cast<int>(rng() % 60),
        s = static_cast<int>(rng() % 60), oh = static_cast<int>(rng() % 15), om = static_cast<int>(rng() % 4) * 15;
    bool minus = rng() % 2 == 0;
    std::tm tm{};
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = s;
    long long want = static_cast<long long>(::timegm(&tm)) - (minus ? -1 : 1) * (oh * 3600 + om * 60);
    char text[40];
    std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", y, mo, d, h, mi, s, minus ? '-' : '+',
                  oh, om);
    CAPTURE(text);
    REQUIRE(parse_instant(text).has_value());
    CHECK(*parse_instant(text) == want * 1000000);
  }
}
