#include <doctest/doctest.h>

#include <cstdlib>

#include "dates/civil.hpp"
#include "query/record.hpp"

using claimkit::query::check_said_status;
using claimkit::query::said_status;
using claimkit::query::write_said_status;

namespace {
said_status call(std::string claim, std::string text) {
  said_status s;
  s.channel = "phone";
  s.claim_id = std::move(claim);
  s.text = std::move(text);
  return s;
}
}  // namespace

TEST_CASE("record: a call with codes is one claim_status record, dated, with who called") {
  said_status s = call("PCN-1", "denied, no auth");
  s.payer_id = "60054";
  s.status = "F2:96:PR";
  s.reference = "R-9";
  s.date = "11/3/2026";
  CHECK(check_said_status(s, "kim") == "");
  std::string out;
  write_said_status(out, s, "calls.csv");
  CHECK(out ==
        "{\"type\":\"claim_status\",\"claim_id\":\"PCN-1\",\"payer\":{\"id\":\"60054\"},\"statuses\":[{\"category\":"
        "\"F2\",\"code\":\"96\",\"entity\":\"PR\",\"effective_date\":\"2026-11-03\"}],\"effective_date\":"
        "\"2026-11-03\",\"reference\":\"R-9\",\"text\":\"denied, no auth\",\"checked_by\":\"kim\",\"source\":{"
        "\"channel\":\"phone\",\"file\":\"calls.csv\"}}\n");
}

TEST_CASE("record: defaults are today (local date) and the given user; text alone is enough") {
  said_status s = call(" PCN-2 ", "paid");
  s.by = "";
  CHECK(check_said_status(s, "jdoe") == "");
  CHECK(s.claim_id == "PCN-2");
  CHECK(s.date == claimkit::dates::format(claimkit::dates::today_local()));
  CHECK(s.by == "jdoe");
  std::string out;
  write_said_status(out, s);
  CHECK(out.find("\"statuses\"") == std::string::npos);
  CHECK(out.find("\"source\":{\"channel\":\"phone\"}") != std::string::npos);
}

TEST_CASE("record: what is refused, said without values") {
  auto msg = [](said_status s) { return check_said_status(s, "u"); };
  said_status s = call("PCN-3", "paid");
  s.channel = "fax";
  CHECK(msg(s) == "channel is not phone or portal");
  s.channel = "";
  CHECK(msg(s) == "no channel (phone or portal)");
  CHECK(msg(call("", "paid")) == "no claim_id");
  CHECK(msg(call("PCN-3", "")) == "neither status nor text: nothing was said");
  for (const char* bad : {"F2", "F2:", ":96", "F2:96:P", "F2:96:PR:X", "F2 96", "F2:9.6"}) {
    said_status b = call("PCN-3", "");
    b.status = bad;
    CHECK_MESSAGE(msg(b) == "status is not CATEGORY:CODE[:ENTITY] (e.g. F1:65 or R4:21:PR)", bad);
  }
  said_status d = call("PCN-3", "paid");
  for (const char* bad : {"2026-02-30", "13/01/2026", "2026/11/01", "11-03-2026", "1/1/26"}) {
    d.date = bad;
    CHECK_MESSAGE(msg(d) == "date is not YYYY-MM-DD or MM/DD/YYYY", bad);
  }
  d.date = claimkit::dates::format(claimkit::dates::today_local() + 1);
  CHECK(msg(d) == "date is after today");
}

TEST_CASE("record: the user running the tool") {
  ::setenv("USER", "biller7", 1);
  CHECK(claimkit::query::current_user() == "biller7");
  ::unsetenv("USER");
  CHECK_FALSE(claimkit::query::current_user().empty());
}
