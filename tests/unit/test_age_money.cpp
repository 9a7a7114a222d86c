#include <doctest/doctest.h>

#include "age/money.hpp"

using namespace claimkit::age;

namespace {
money amt(const char* s) {
  money m{-1, -1};
  REQUIRE(parse_amount(s, m) == amount_status::ok);
  return m;
}
money_total sum(std::initializer_list<const char*> xs) {
  money_total t;
  for (const char* x : xs) t.add(amt(x));
  return t;
}
}  // namespace

TEST_CASE("amounts parse exactly") {
  CHECK(amt("150") == money{150, 0});
  CHECK(amt("150.00") == money{150, 0});
  CHECK(amt("0.1") == money{0, 100'000'000'000'000'000});
  CHECK(amt("1.5e2") == money{150, 0});
  CHECK(amt("15E-1") == money{1, 500'000'000'000'000'000});
  CHECK(amt("0.000000000000000001") == money{0, 1});
  CHECK(amt("0.0000000000000000010000") == money{0, 1});  // trailing zeros past the 18th place
  CHECK(amt("999999999999999999.999999999999999999") == money{999'999'999'999'999'999, 999'999'999'999'999'999});
  CHECK(amt("1e17") == money{100'000'000'000'000'000, 0});
  CHECK(amt("-0") == money{});
  CHECK(amt("0.00") == money{});
  CHECK(amt("0e999999999999") == money{});
}

TEST_CASE("bad amounts are told apart") {
  money m;
  CHECK(parse_amount("-1", m) == amount_status::negative);
  CHECK(parse_amount("-0.01", m) == amount_status::negative);
  CHECK(parse_amount("abc", m) == amount_status::not_a_number);
  CHECK(parse_amount("1.", m) == amount_status::not_a_number);
  CHECK(parse_amount("", m) == amount_status::not_a_number);
  CHECK(parse_amount("1e", m) == amount_status::not_a_number);
  CHECK(parse_amount("1 ", m) == amount_status::not_a_number);
  CHECK(parse_amount("1e18", m) == amount_status::too_large);
  CHECK(parse_amount("1000000000000000000", m) == amount_status::too_large);
  CHECK(parse_amount("1e99999999999999", m) == amount_status::too_large);
  CHECK(parse_amount("0.0000000000000000001", m) == amount_status::too_precise);
  CHECK(parse_amount("1e-19", m) == amount_status::too_precise);
}

TEST_CASE("sums are exact and do not wrap") {
  CHECK(format_money(sum({"0.1", "0.2"})) == "0.30");
  CHECK(format_money(amt("1234567.891")) == "1234567.89");
  CHECK(format_money(amt("1234567.895"), true) == "1,234,567.90");
  CHECK(format_money(amt("999.995"), true) == "1,000.00");
  // Regression: amounts were rounded to millionths when read.
  CHECK(format_money(amt("0.0049995")) == "0.00");
  CHECK(format_money(sum({"0.0049995", "0.0000005"})) == "0.01");
  CHECK(amt("0.3000001") > amt("0.30"));
  // Regression: two claims of 5e12 wrapped a 64-bit total of millionths.
  CHECK(format_money(sum({"5000000000000.00", "5000000000000.00"}), true) == "10,000,000,000,000.00");
  money_total big;
  for (int i = 0; i < 1000; ++i) big.add(amt("999999999999999999.999999999999999999"));
  CHECK(format_money(big) == "1000000000000000000000.00");
  CHECK(format_money(money{}) == "0.00");
}

TEST_CASE("shares are exact rounded tenths of a percent") {
  std::string s;
  append_tenths(s, share_tenths(sum({"1"}), sum({"3"})));
  CHECK(s == "33.3");
  CHECK(share_tenths(sum({"2"}), sum({"3"})) == 667);
  CHECK(share_tenths(sum({"1"}), sum({"2000"})) == 1);  // 0.05% rounds half up
  CHECK(share_tenths(sum({"0.999999999999999999"}), sum({"2000"})) == 0);
  CHECK(share_tenths(sum({"5"}), money_total{}) == 0);
  CHECK(share_tenths(sum({"7"}), sum({"7"})) == 1000);
  CHECK(share_tenths(std::int64_t{1}, std::int64_t{3}) == 333);
  CHECK(scaled_ratio(sum({"1"}), sum({"3"}), 40) == 13);
}
