#include <doctest/doctest.h>

#include "age/money.hpp"

using namespace claimkit::age;

namespace {
micros amt(const char* s) {
  micros m = -1;
  REQUIRE(parse_amount(s, m) == amount_status::ok);
  return m;
}
}  // namespace

TEST_CASE("amounts parse exactly") {
  CHECK(amt("150") == 150'000'000);
  CHECK(amt("150.00") == 150'000'000);
  CHECK(amt("0.1") == 100'000);
  CHECK(amt("0.2") == 200'000);
  CHECK(amt("1.5e2") == 150'000'000);
  CHECK(amt("15E-1") == 1'500'000);
  CHECK(amt("0.0000005") == 1);  // half a millionth rounds up
  CHECK(amt("0.0000004") == 0);
  CHECK(amt("-0") == 0);
  CHECK(amt("0.00") == 0);
}

TEST_CASE("bad amounts are told apart") {
  micros m;
  CHECK(parse_amount("-1", m) == amount_status::negative);
  CHECK(parse_amount("-0.01", m) == amount_status::negative);
  CHECK(parse_amount("abc", m) == amount_status::not_a_number);
  CHECK(parse_amount("1.", m) == amount_status::not_a_number);
  CHECK(parse_amount("", m) == amount_status::not_a_number);
  CHECK(parse_amount("1e", m) == amount_status::not_a_number);
  CHECK(parse_amount("1 ", m) == amount_status::not_a_number);
  CHECK(parse_amount("1e30", m) == amount_status::too_large);
  CHECK(parse_amount("9000000000001", m) == amount_status::too_large);
}

TEST_CASE("sums print without binary-float noise") {
  CHECK(format_money(amt("0.1") + amt("0.2")) == "0.30");
  CHECK(format_money(amt("1234567.891")) == "1234567.89");
  CHECK(format_money(amt("1234567.895"), true) == "1,234,567.90");
  CHECK(format_money(amt("999.995"), true) == "1,000.00");
  CHECK(format_money(0) == "0.00");
  CHECK(format_money(amt("100"), true) == "100.00");
}

TEST_CASE("shares are rounded tenths of a percent") {
  std::string s;
  append_tenths(s, share_tenths(1, 3));
  CHECK(s == "33.3");
  CHECK(share_tenths(2, 3) == 667);
  CHECK(share_tenths(1, 2000) == 1);  // 0.05% rounds half up
  CHECK(share_tenths(5, 0) == 0);
  CHECK(share_tenths(7, 7) == 1000);
}
