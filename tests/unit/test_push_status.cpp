#include <doctest/doctest.h>

#include <string>

#include "json/scan.hpp"
#include "ndjson/reader.hpp"
#include "push/status.hpp"

namespace {
claimkit::push::claim_status parse(const std::string& line) {
  claimkit::ndjson::record rec;
  rec.text = line;
  claimkit::json::scan_error err;
  REQUIRE(claimkit::json::scan_object(line, rec.members, err));
  claimkit::push::claim_status s;
  claimkit::push::parse_claim_status(rec, s);
  return s;
}
std::string reject_kind(const std::string& line) {
  try {
    parse(line);
  } catch (const claimkit::ndjson::bad_record& b) {
    return b.kind + ": " + b.message;
  }
  return "accepted";
}
}  // namespace

TEST_CASE("status: fields and raw amounts") {
  auto s = parse(R"({"type":"claim_status","claim_id":"C\u002d1","payer":{"id":"P9"},"billed_amount":150.50,)"
                 R"("statuses":[{"category":"F1","code":"65","entity":"PR","effective_date":"2026-03-02",)"
                 R"("paid_amount":120.00,"code_label":"Paid"},{"category":"F1","code":"3"}],"state":"paid",)"
                 R"("source":{"channel":"x12","file":"a.277","interchange":"000000001","group":"1","transaction":"0001"}})");
  CHECK(s.claim_id == "C-1");
  CHECK(s.payer_id == "P9");
  CHECK(s.billed_amount == "150.50");
  CHECK(s.paid_amount == "120.00");  // from the first status entry when the claim has none
  CHECK(s.statuses.size() == 2);
  CHECK(s.deciding()->code_label == "Paid");
  CHECK(s.effective_date == "2026-03-02");
  CHECK(s.interchange == "000000001");
}

TEST_CASE("status: a reject line is unwrapped") {
  auto s = parse(R"({"type":"error","tool":"pm-push","kind":"push_failed","message":"x",)"
                 R"("record":{"type":"claim_status","claim_id":"C2","state":"pending"}})");
  CHECK(s.claim_id == "C2");
  CHECK(s.record == R"({"type":"claim_status","claim_id":"C2","state":"pending"})");
}

TEST_CASE("status: what is refused") {
  CHECK(reject_kind(R"({"type":"batch_status"})") == "not_a_status: not a claim_status record");
  CHECK(reject_kind(R"({"claim_id":"C"})") == "not_a_status: record has no type; expected claim_status");
  CHECK(reject_kind(R"({"type":"claim_status","state":"paid"})") == "missing_field: claim_status without claim_id");
  CHECK(reject_kind(R"({"type":"claim_status","claim_id":"C"})") ==
        "missing_field: claim_status without state (run status-normalize first)");
  CHECK(reject_kind(R"({"type":"error","message":"x"})") == "not_a_status: reject line without the original record");
}
