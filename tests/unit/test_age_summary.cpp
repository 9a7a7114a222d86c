#include <doctest/doctest.h>

#include "age/summary.hpp"

using namespace claimkit;
using namespace claimkit::age;

namespace {
// An amount given in millionths, as these tests were first written.
[[maybe_unused]] claimkit::age::money mu(std::int64_t millionths) {
  return {millionths / 1'000'000, (millionths % 1'000'000) * 1'000'000'000'000};
}
}  // namespace

namespace {
aged_claim claim(const char* payer, const char* state, int age, std::int64_t amount, const buckets& b) {
  aged_claim c;
  c.payer_id = payer;
  c.state = state;
  c.age_days = age;
  c.bucket = b.index(age);
  c.outstanding = mu(amount);
  return c;
}
}  // namespace

TEST_CASE("summary totals are exact and rows sorted") {
  settings s;
  REQUIRE(dates::parse("2026-11-23", s.as_of));
  s.summary = true;
  s.by = group_by::payer;
  s.format = report_format::csv;
  s.buckets = buckets::parse("30,90");
  aging_report r(s);
  r.add(claim("P2", "pending", 10, 100'000, s.buckets));  // 0.10
  r.add(claim("P2", "pending", 91, 200'000, s.buckets));  // 0.20
  r.add(claim("", "received", 31, 1'000'000, s.buckets));
  r.add(claim("P1", "pending", 200, 2'700'000, s.buckets));
  std::string out;
  r.render(out);
  CHECK(out ==
        "payer,claims,amount,share,claims_0-30,amount_0-30,share_0-30,claims_31-90,amount_31-90,share_31-90,"
        "claims_91+,amount_91+,share_91+,over_90_claims,over_90_amount,over_90_share\r\n"
        "(none),1,1.00,25.0,0,0.00,0.0,1,1.00,100.0,0,0.00,0.0,0,0.00,0.0\r\n"
        "P1,1,2.70,67.5,0,0.00,0.0,0,0.00,0.0,1,2.70,100.0,1,2.70,100.0\r\n"
        "P2,2,0.30,7.5,1,0.10,33.3,0,0.00,0.0,1,0.20,66.7,1,0.20,66.7\r\n"
        "TOTAL,4,4.00,100.0,1,0.10,2.5,1,1.00,25.0,2,2.90,72.5,2,2.90,72.5\r\n");
}

TEST_CASE("table bars scale to the largest bucket") {
  settings s;
  REQUIRE(dates::parse("2026-11-23", s.as_of));
  s.summary = true;
  s.by = group_by::bucket;
  s.format = report_format::table;
  s.buckets = buckets::parse("30");
  s.ascii = true;
  aging_report r(s);
  r.add(claim("P", "pending", 5, 4'000'000, s.buckets));
  r.add(claim("P", "pending", 50, 1'000'000, s.buckets));
  std::string out;
  r.render(out);
  CHECK(out ==
        "Aging report as of 2026-11-23 by bucket (outstanding amounts)\n\n"
        "BUCKET  CLAIMS  AMOUNT   SHARE\n"
        "0-30         1    4.00   80.0%  ########################################\n"
        "31+          1    1.00   20.0%  ##########\n"
        "TOTAL        2    5.00  100.0%\n"
        "\nOver 90 days: 0 claims, 0.00 (0.0% of A/R)\n");
  s.ascii = false;
  out.clear();
  r.render(out);
  CHECK(out.find("\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\n") != std::string::npos);
}

TEST_CASE("csv cells are quoted and defused") {
  settings s;
  s.summary = true;
  s.by = group_by::state;
  s.format = report_format::csv;
  aging_report r(s);
  r.add(claim("P", "=1+1", 5, 1, s.buckets));
  r.add(claim("P", "a,b", 5, 1, s.buckets));
  r.add(claim("P", "-2+3", 5, 1, s.buckets));
  r.add(claim("P", "-11", 5, 1, s.buckets));
  r.add(claim("P", "-40.50", 5, 1, s.buckets));
  r.add(claim("P", "-", 5, 1, s.buckets));
  std::string out;
  r.render(out);
  CHECK(out.find("\r\n'=1+1,1,") != std::string::npos);
  CHECK(out.find("\r\n\"a,b\",1,") != std::string::npos);
  CHECK(out.find("\r\n'-2+3,1,") != std::string::npos);
  // A number stays a number, negative or not.
  CHECK(out.find("\r\n-11,1,") != std::string::npos);
  CHECK(out.find("\r\n-40.50,1,") != std::string::npos);
  CHECK(out.find("\r\n'-,1,") != std::string::npos);
}
