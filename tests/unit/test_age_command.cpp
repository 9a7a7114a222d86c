#include <doctest/doctest.h>

#include "age/command.hpp"
#include "core/error.hpp"

using namespace claimkit;
using namespace claimkit::age;

namespace {
// An amount given in millionths, as these tests were first written.
[[maybe_unused]] claimkit::age::money mu(std::int64_t millionths) {
  return {millionths / 1'000'000, (millionths % 1'000'000) * 1'000'000'000'000};
}
}  // namespace

namespace {
std::string usage_error(const command_options& o) {
  try {
    resolve(o, false);
  } catch (const claimkit::error& e) {
    CHECK(e.code() == cli::exit_code::usage);
    return e.what();
  }
  return "no error";
}
}  // namespace

TEST_CASE("resolve: defaults") {
  command_options o;
  o.as_of = "2026-11-23";
  settings s = resolve(o, false);
  CHECK(dates::format(s.as_of) == "2026-11-23");
  CHECK(s.basis == basis::submitted);
  CHECK(s.sort == sort_key::none);
  // Built-in recheck intervals: pending 7, received 14, final states never.
  CHECK(s.recheck.days("pending", "60054") == 7);
  CHECK(s.recheck.days("received", "60054") == 14);
  CHECK(s.recheck.days("needs_info", "") == 7);
  CHECK_FALSE(s.recheck.days("paid", "").has_value());
  CHECK_FALSE(s.recheck.days("denied", "").has_value());
  CHECK_FALSE(s.recheck.days("finalized", "").has_value());
  o.recheck_days = 3;
  CHECK(resolve(o, false).recheck.days("received", "") == 3);
  CHECK_FALSE(resolve(o, false).recheck.days("paid", "").has_value());
  o.recheck_days = -1;
  CHECK_FALSE(s.limits.from_file());
  CHECK(s.buckets.size() == 5);
  o.as_of.clear();
  CHECK(resolve(o, false).as_of == dates::today_local());
}

TEST_CASE("resolve: --top sorts by priority unless told") {
  command_options o;
  o.as_of = "2026-11-23";
  o.top = 5;
  CHECK(resolve(o, false).sort == sort_key::priority);
  o.sort = "amount";
  CHECK(resolve(o, false).sort == sort_key::amount);
}

TEST_CASE("resolve: report format follows the terminal") {
  command_options o;
  o.as_of = "2026-11-23";
  o.summary = true;
  CHECK(resolve(o, true).format == report_format::table);
  CHECK(resolve(o, false).format == report_format::ndjson);
  o.format = "csv";
  CHECK(resolve(o, true).format == report_format::csv);
  o.by = "state";
  CHECK(resolve(o, true).by == group_by::state);
}

TEST_CASE("resolve: --format applies to the work list too") {
  command_options o;
  o.as_of = "2026-11-23";
  CHECK(resolve(o, true).format == report_format::ndjson);
  o.format = "table";
  CHECK(resolve(o, false).format == report_format::table);
  o.format = "csv";
  CHECK(resolve(o, false).format == report_format::csv);
}

TEST_CASE("resolve: with --ledger and no FILE the ledger is the input") {
  command_options o;
  o.as_of = "2026-11-23";
  CHECK_FALSE(resolve(o, false, true).ledger_only);
  o.ledger = "ledger.db";
  CHECK(resolve(o, false, true).ledger_only);
  CHECK_FALSE(resolve(o, false, false).ledger_only);
}

TEST_CASE("recheck_plan: the settings file's [recheck] sections") {
  auto cfg = cli::config::parse("[recheck]\npending = 10\ndefault = 5\n[recheck.sx065]\npending = 21\ndenied = 30\n",
                                "settings");
  recheck_plan p = recheck_plan::from_config(cfg);
  CHECK(p.days("pending", "60054") == 10);
  CHECK(p.days("received", "60054") == 5);
  CHECK(p.days("pending", "SX065") == 21);  // payer ids are matched in lower case
  CHECK(p.days("received", "SX065") == 5);
  CHECK(p.days("denied", "SX065") == 30);
  CHECK_FALSE(p.days("denied", "60054").has_value());
  CHECK(p.next_check(dates::to_days({2026, 11, 1}), "pending", "60054") == dates::to_days({2026, 11, 12}));
  auto never = cli::config::parse("[recheck]\nreceived = never\n", "settings");
  CHECK_FALSE(recheck_plan::from_config(never).days("received", "").has_value());
  auto bad = cli::config::parse("[recheck]\npending = soon\n", "settings");
  try {
    recheck_plan::from_config(bad);
    FAIL("no error");
  } catch (const claimkit::error& e) {
    CHECK(std::string(e.what()) == "settings: [recheck] pending: expected a number of days (0-36500) or never");
  }
  auto bad_payer = cli::config::parse("[recheck.60054]\npending = -1\n", "settings");
  recheck_plan q = recheck_plan::from_config(bad_payer);
  CHECK(q.days("pending", "87726") == 7);
  CHECK_THROWS_AS(q.days("pending", "60054"), claimkit::error);
}

TEST_CASE("resolve: combinations that make no sense") {
  command_options o;
  o.as_of = "2026-02-29";
  CHECK(usage_error(o) == "--as-of: expected a date as YYYY-MM-DD");
  o.as_of = "2026-11-23";
  o.summary = true;
  o.top = 3;
  CHECK(usage_error(o) == "--sort and --top apply to the claim list, not to --summary");
  o = {};
  o.as_of = "2026-11-23";
  o.ascii = true;
  CHECK(usage_error(o) == "--by and --ascii apply to --summary");
  o.ascii = false;
  o.min_amount = "ten";
  CHECK(usage_error(o) == "--min-amount: expected a non-negative amount below 10^18 with at most 18 decimal places");
  o.min_amount = "10.50";
  CHECK(*resolve(o, false).min_amount == mu(10'500'000));
}
