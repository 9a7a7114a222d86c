#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "ndjson/reader.hpp"
#include "ndjson/value.hpp"
#include "push/status.hpp"

namespace {
claimkit::push::claim_status parse(const std::string& line) {
  claimkit::ndjson::record rec;
  rec.text = line;
  claimkit::ndjson::parse_error err;
  REQUIRE(claimkit::ndjson::parse_object(line, rec.members, err));
  claimkit::push::claim_status s;
  claimkit::push::parse_record(rec, s);
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
  auto s =
      parse(R"({"type":"claim_status","claim_id":"C\u002d1","payer":{"id":"P9"},"billed_amount":150.50,)"
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
  CHECK(reject_kind(R"({"type":"claim"})") == "not_a_status: not a claim_status, ack or batch_status record");
  CHECK(reject_kind(R"({"claim_id":"C"})") ==
        "not_a_status: record has no type; expected claim_status, ack or batch_status");
  CHECK(reject_kind(R"({"type":"batch_status","statuses":[]})") == "missing_field: batch_status without level");
  CHECK(reject_kind(R"({"type":"ack","code":"R"})") == "missing_field: ack without level");
  CHECK(reject_kind(R"({"type":"claim_status","state":"paid"})") == "missing_field: claim_status without claim_id");
  CHECK(reject_kind(R"({"type":"claim_status","claim_id":"C"})") ==
        "missing_field: claim_status without state (run status-normalize first)");
  CHECK(reject_kind(R"({"type":"error","message":"x"})") == "not_a_status: reject line without the original record");
}

TEST_CASE("status: a 999 transaction ack, not normalized yet") {
  auto s = parse(R"({"type":"ack","level":"transaction","acknowledged":{"group":"5120","functional_id":"HC",)"
                 R"("transaction":"0002","transaction_type":"837"},"accepted":false,"code":"R",)"
                 R"("errors":[{"segment_id":"NM1","segment_position":17,"code":"8"},)"
                 R"({"segment_id":"NM1","segment_position":17,"element_position":9,"code":"7"}],"syntax_errors":["5"],)"
                 R"("source":{"channel":"x12","file":"a.999","interchange":"000004303","group":"4303",)"
                 R"("transaction":"0001","transaction_type":"999","segment":7}})");
  CHECK(s.type == "ack");
  CHECK(s.is_event());
  CHECK(s.claim_id.empty());
  CHECK(s.state.empty());  // optional for an ack
  CHECK(s.event.level == "transaction");
  CHECK(s.event.accepted == "0");
  CHECK(s.event.code == "R");
  CHECK(s.event.acknowledged_group == "5120");
  CHECK(s.event.acknowledged_transaction == "0002");
  CHECK(s.event.acknowledged_type == "837");
  REQUIRE(s.event.errors.size() == 2);
  CHECK(s.event.errors[1].element_position == "9");
  CHECK(s.event.errors[0].segment_position == "17");
  CHECK(s.event.syntax_errors == std::vector<std::string>{"5"});
  CHECK(s.event.transaction_type == "999");
  CHECK(s.event.segment == "7");
  CHECK(s.source_file == "a.999");
  CHECK(s.interchange == "000004303");
}

TEST_CASE("status: a normalized batch_status with counts and amounts") {
  auto s = parse(R"({"type":"batch_status","level":"information_receiver","trace":"T-1","payer":{"id":"SCH1"},)"
                 R"("receiver":{"id":"NWB1"},"statuses":[{"category":"A3","code":"19","entity":"PR",)"
                 R"("effective_date":"2026-11-16"}],"accepted_count":0,"rejected_count":3,"accepted_amount":0,)"
                 R"("rejected_amount":410.50,"source":{"channel":"x12","transaction_type":"277CA"},)"
                 R"("state":"rejected","action":"correct_and_resubmit","queue":"rejections"})");
  CHECK(s.type == "batch_status");
  CHECK(s.state == "rejected");
  CHECK(s.queue == "rejections");
  CHECK(s.event.accepted.empty());
  CHECK(s.deciding()->category == "A3");
  CHECK(s.effective_date == "2026-11-16");
  CHECK(s.event.trace == "T-1");
  CHECK(s.payer_id == "SCH1");
  CHECK(s.event.receiver_id == "NWB1");
  CHECK(s.event.rejected_count == "3");
  CHECK(s.event.rejected_amount == "410.50");
  CHECK(s.event.accepted_amount == "0");
}

TEST_CASE("status: an ack in a reject line is unwrapped") {
  auto s = parse(R"({"type":"error","tool":"pm-push","kind":"ledger_write",)"
                 R"("record":{"type":"ack","level":"interchange","acknowledged":{"interchange":"000000123"},)"
                 R"("accepted":true,"code":"A"}})");
  CHECK(s.type == "ack");
  CHECK(s.event.accepted == "1");
  CHECK(s.event.acknowledged_interchange == "000000123");
  CHECK(s.record == R"({"type":"ack","level":"interchange","acknowledged":{"interchange":"000000123"},)"
                    R"("accepted":true,"code":"A"})");
}
