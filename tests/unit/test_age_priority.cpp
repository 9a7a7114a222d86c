#include <doctest/doctest.h>

#include "age/priority.hpp"
#include "core/error.hpp"

using namespace claimkit::age;

namespace {
// An amount given in millionths, as these tests were first written.
[[maybe_unused]] claimkit::age::money mu(std::int64_t millionths) {
  return {millionths / 1'000'000, (millionths % 1'000'000) * 1'000'000'000'000};
}
}  // namespace

TEST_CASE("priority grows with age and amount") {
  weights w;
  CHECK(priority_tenths(w, 0, mu(0), false) == 0);
  CHECK(priority_tenths(w, 10, mu(0), false) == 100);
  // 1023 dollars: log2(1024) = 10 doublings, worth 100 points.
  CHECK(priority_tenths(w, 0, mu(1023'000'000), false) == 1000);
  CHECK(priority_tenths(w, 0, mu(0), true) == 600);
  CHECK(priority_tenths(w, -5, mu(0), false) == 0);  // a future date adds nothing
  CHECK(priority_tenths(w, 31, mu(0), false) > priority_tenths(w, 30, mu(0), false));
  CHECK(priority_tenths(w, 30, mu(2'000'000), false) > priority_tenths(w, 30, mu(1'000'000), false));
}

TEST_CASE("weights parse") {
  weights w = weights::parse("age=2,risk=0");
  CHECK(w.age == 2.0);
  CHECK(w.amount == 10.0);
  CHECK(w.risk == 0.0);
  CHECK(priority_tenths(w, 10, mu(0), true) == 200);
  w = weights::parse("amount=0.5");
  CHECK(w.amount == 0.5);
  for (const char* bad : {"age", "age=-1", "speed=1", "age=1,", "age=x", "age=1.2.3", "=1"}) {
    CAPTURE(bad);
    CHECK_THROWS_AS(weights::parse(bad), claimkit::error);
  }
}
