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
  CHECK(s.recheck_days == 7);
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
  CHECK(usage_error(o) == "--by, --format and --ascii apply to --summary");
  o.ascii = false;
  o.min_amount = "ten";
  CHECK(usage_error(o) == "--min-amount: expected a non-negative amount below 10^18 with at most 18 decimal places");
  o.min_amount = "10.50";
  CHECK(*resolve(o, false).min_amount == mu(10'500'000));
}
