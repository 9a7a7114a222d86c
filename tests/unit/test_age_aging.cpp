#include <doctest/doctest.h>

#include <list>

#include "age/aging.hpp"
#include "ndjson/value.hpp"

using namespace claimkit;
using namespace claimkit::age;

namespace {
// An amount given in millionths, as these tests were first written.
[[maybe_unused]] claimkit::age::money mu(std::int64_t millionths) {
  return {millionths / 1'000'000, (millionths % 1'000'000) * 1'000'000'000'000};
}
}  // namespace

namespace {

struct fixture {
  settings s;
  cli::reporter rep{"claim-age"};
  fixture() {
    rep.set_quiet(true);
    REQUIRE(dates::parse("2026-11-23", s.as_of));
  }

  ndjson::record rec_of(const std::string& text) {
    texts.push_back(text);
    ndjson::record r;
    ndjson::parse_error err;
    REQUIRE(ndjson::parse_object(texts.back(), r.members, err));
    r.text = texts.back();
    r.pos = cli::position{"t.ndjson", 1};
    return r;
  }
  aged_claim age(const std::string& text) {
    ager a(s, rep, nullptr);
    aged_claim c;
    auto r = rec_of(text);
    REQUIRE(a.evaluate(r, c));
    return c;
  }
  std::string line(const std::string& text) {
    ager a(s, rep, nullptr);
    aged_claim c;
    auto r = rec_of(text);
    REQUIRE(a.evaluate(r, c));
    std::string out;
    a.write(r, c, out);
    return out;
  }
  std::string reject(const std::string& text) {
    ager a(s, rep, nullptr);
    aged_claim c;
    auto r = rec_of(text);
    try {
      a.evaluate(r, c);
    } catch (const ndjson::bad_record& b) {
      return b.kind + ": " + b.message;
    }
    return "accepted";
  }
  std::list<std::string> texts;
};

}  // namespace

TEST_CASE("age from the submitted date, falling back to service") {
  fixture f;
  auto c = f.age(R"({"claim_id":"X1","submitted_date":"2026-10-24","service_from":"2026-10-01","billed_amount":10})");
  CHECK(c.age_days == 30);
  CHECK(c.age_basis == basis::submitted);
  CHECK(c.bucket == 0);
  c = f.age(R"({"claim_id":"X1","service_from":"2026-10-23","billed_amount":10})");
  CHECK(c.age_days == 31);
  CHECK(c.age_basis == basis::service);
  CHECK(c.bucket == 1);
  f.s.basis = basis::service;
  c = f.age(R"({"claim_id":"X1","submitted_date":"2026-10-24","service_to":"2026-10-01"})");
  CHECK(c.age_days == 53);
  f.s.basis = basis::status;
  c = f.age(R"({"type":"claim_status","claim_id":"X1","statuses":[{"category":"P1","effective_date":"2026-11-01"},)"
            R"({"category":"P1","effective_date":"2026-11-13"}],"state":"pending"})");
  CHECK(c.age_days == 10);
  CHECK(c.age_basis == basis::status);
}

TEST_CASE("filing deadline and risk at exactly 80 percent") {
  fixture f;
  // 90-day window from service 2026-09-02: 72 days elapsed on 2026-11-13 is 80%.
  f.s.as_of -= 10;
  auto c = f.age(R"({"claim_id":"X","service_from":"2026-09-02","billed_amount":1})");
  CHECK(c.has_deadline);
  CHECK(dates::format(c.filing_deadline) == "2026-12-01");
  CHECK(c.days_to_deadline == 18);
  CHECK(c.filing_risk);
  f.s.as_of -= 1;
  c = f.age(R"({"claim_id":"X","service_from":"2026-09-02","billed_amount":1})");
  CHECK_FALSE(c.filing_risk);
  // The window runs from the last day of a span.
  c = f.age(R"({"claim_id":"X","service_from":"2026-08-01","service_to":"2026-09-02"})");
  CHECK(dates::format(c.filing_deadline) == "2026-12-01");
  // No date of service: no deadline.
  c = f.age(R"({"claim_id":"X","submitted_date":"2026-09-02"})");
  CHECK_FALSE(c.has_deadline);
  CHECK_FALSE(c.filing_risk);
}

TEST_CASE("outstanding amount, state, due") {
  fixture f;
  auto c = f.age(R"({"claim_id":"X","submitted_date":"2026-11-01","billed_amount":100.50,"paid_amount":"20.25"})");
  CHECK(c.outstanding == mu(80'250'000));
  c = f.age(R"({"claim_id":"X","submitted_date":"2026-11-01","billed_amount":10,"paid_amount":20})");
  CHECK(c.outstanding == money{});
  CHECK(c.due);  // never checked
  CHECK(c.state == "unknown");
  c = f.age(
      R"({"claim_id":"X","submitted_date":"2026-11-01","last_checked":"2026-11-16T08:00:00Z","state":"pending"})");
  CHECK_FALSE(c.due);  // 7 days: not more than 7
  c = f.age(
      R"({"claim_id":"X","submitted_date":"2026-11-01","last_checked":"2026-11-15T08:00:00Z","state":"pending"})");
  CHECK(c.due);
  CHECK(c.next_check == dates::to_days({2026, 11, 23}));
  // A final state is never rechecked; paid is off the work list, denied on it.
  c = f.age(R"({"claim_id":"X","submitted_date":"2026-11-01","last_checked":"2026-11-15T08:00:00Z","state":"paid"})");
  CHECK_FALSE(c.due);
  CHECK_FALSE(c.has_next_check);
  CHECK(c.finalized);
  CHECK(c.done);
  c = f.age(R"({"claim_id":"X","submitted_date":"2026-11-01","state":"denied","action":"appeal"})");
  CHECK(c.finalized);
  CHECK_FALSE(c.done);
  CHECK(c.action == "appeal");
  // Received waits 14 days by default.
  c = f.age(R"({"claim_id":"X","submitted_date":"2026-11-01","last_checked":"2026-11-09","state":"received"})");
  CHECK_FALSE(c.due);
  CHECK(c.next_check == dates::to_days({2026, 11, 24}));
  c = f.age(R"({"type":"claim_status","claim_id":"X","service_from":"2026-11-01","statuses":[{"category":"F1"}]})");
  CHECK(c.finalized);
  CHECK(c.done);
  c = f.age(R"({"type":"claim_status","claim_id":"X","service_from":"2026-11-01","statuses":[{"category":"F2"}]})");
  CHECK(c.finalized);
  CHECK_FALSE(c.done);
  c = f.age(R"({"type":"claim_status","claim_id":"X","service_from":"2026-11-01","statuses":[{"category":"A1"}]})");
  CHECK_FALSE(c.finalized);
}

TEST_CASE("payer from payer_id or payer.id") {
  fixture f;
  CHECK(f.age(R"({"claim_id":"X","payer_id":"P1","submitted_date":"2026-11-01"})").payer_id == "P1");
  CHECK(f.age(R"({"claim_id":"X","payer":{"id":"P2","name":"N"},"submitted_date":"2026-11-01"})").payer_id == "P2");
}

TEST_CASE("output appends the fields, or replaces them") {
  fixture f;
  CHECK(f.line(R"({"claim_id":"X","submitted_date":"2026-11-01","billed_amount":1.50,"z":{"k":[1, 2]}})") ==
        R"({"claim_id":"X","submitted_date":"2026-11-01","billed_amount":1.50,"z":{"k":[1, 2]},)"
        R"("age_days":22,"age_basis":"submitted","bucket":"0-30","priority":35.2,"due":true})"
        "\n");
  CHECK(f.line(R"({"claim_id":"X","bucket":"old","submitted_date":"2026-11-01","due":false} )") ==
        R"({"claim_id":"X","submitted_date":"2026-11-01",)"
        R"("age_days":22,"age_basis":"submitted","bucket":"0-30","priority":22.0,"due":true})"
        "\n");
  CHECK(f.line(R"({"claim_id":"X","service_from":"2026-11-01"})") ==
        R"({"claim_id":"X","service_from":"2026-11-01","age_days":22,"age_basis":"service","bucket":"0-30",)"
        R"("priority":22.0,"filing_deadline":"2027-01-30","days_to_deadline":68,"filing_risk":false,"due":true})"
        "\n");
}

TEST_CASE("rejects: positions and field names, never values") {
  fixture f;
  CHECK(f.reject(R"({"submitted_date":"2026-11-01"})") == "missing_field: missing claim_id");
  CHECK(f.reject(R"({"claim_id":"","submitted_date":"2026-11-01"})") == "missing_field: missing claim_id");
  CHECK(f.reject(R"({"claim_id":7,"submitted_date":"2026-11-01"})") == "bad_field: claim_id is not a string");
  CHECK(f.reject(R"({"claim_id":"X","submitted_date":"2026-02-30"})") ==
        "bad_date: submitted_date is not a valid date (YYYY-MM-DD)");
  CHECK(f.reject(R"({"claim_id":"X","service_to":20261101})") ==
        "bad_date: service_to is not a valid date (YYYY-MM-DD)");
  CHECK(f.reject(R"({"claim_id":"X","submitted_date":"2026-11-01","last_checked":"yesterday"})") ==
        "bad_date: last_checked is not a valid RFC 3339 time or date");
  CHECK(f.reject(R"({"claim_id":"X","submitted_date":"2026-11-01","billed_amount":-5})") ==
        "negative_amount: billed_amount is negative");
  CHECK(f.reject(R"({"claim_id":"X","submitted_date":"2026-11-01","paid_amount":"abc"})") ==
        "bad_amount: paid_amount is not a number");
  CHECK(f.reject(R"({"claim_id":"X"})") ==
        "missing_date: no date to age from (submitted_date, service_from, service_to, statuses[].effective_date)");
  f.s.basis = basis::status;
  CHECK(f.reject(R"({"claim_id":"X","statuses":[{"effective_date":"11/01/2026"}]})") ==
        "bad_date: statuses[].effective_date is not a valid date (YYYY-MM-DD)");
}

TEST_CASE("other record types are left alone") {
  fixture f;
  ager a(f.s, f.rep, nullptr);
  aged_claim c;
  auto r = f.rec_of(R"({"type":"batch_status","statuses":[]})");
  CHECK_FALSE(a.evaluate(r, c));
  CHECK(a.skipped_other_types() == 1);
}

TEST_CASE("filters") {
  fixture f;
  ager a(f.s, f.rep, nullptr);
  aged_claim c;
  c.state = "denied";
  c.finalized = true;
  CHECK(a.keep(c));  // denied claims are work
  c.state = "paid";
  c.done = true;
  CHECK_FALSE(a.keep(c));
  f.s.all = true;
  CHECK(a.keep(c));
  f.s.states = {"pending", "needs_info"};
  CHECK_FALSE(a.keep(c));
  c.state = "needs_info";
  CHECK(a.keep(c));
  c.age_days = 60;
  f.s.older_than = 60;
  CHECK_FALSE(a.keep(c));
  c.age_days = 61;
  CHECK(a.keep(c));
  f.s.min_amount = mu(5'000'000);
  c.outstanding = mu(4'999'999);
  CHECK_FALSE(a.keep(c));
  c.outstanding = mu(5'000'000);
  CHECK(a.keep(c));
  f.s.due_only = true;
  c.due = false;
  CHECK_FALSE(a.keep(c));
}
