#include <doctest/doctest.h>

#include <string>

#include "push/note.hpp"

using claimkit::push::claim_status;
using claimkit::push::note_text;

TEST_CASE("note: fixed order, absent parts left out, marker last") {
  claim_status s;
  s.claim_id = "PCN-1";
  s.state = "denied";
  s.statuses.push_back({"F2", "96", "PR", "2026-03-02", "Finalized/Denial", "Non-covered charge(s)", "Payer"});
  s.effective_date = "2026-03-02";
  s.channel = "x12";
  s.payer_claim_id = "PX2";
  s.paid_amount = "0.00";
  s.action = "appeal";
  s.queue = "denials";
  const std::string key = "ck1-0123456789abcdef0123456789abcdef";
  CHECK(note_text(s, key) ==
        "2026-03-02 x12 | denied | F2/96 Finalized/Denial: Non-covered charge(s) | payer claim PX2 | paid 0.00 | "
        "next: appeal | queue: denials | [claimkit ck1-0123456789abcdef0123456789abcdef]");
  CHECK(claimkit::push::note_marker_key(note_text(s, key)) == key);
}

TEST_CASE("note: portal capture") {
  claim_status s;
  s.state = "needs_info";
  s.channel = "portal";
  s.text = "awaiting\nitemized bill";
  s.reference = "WEB-1";
  CHECK(note_text(s, "ck1-0123456789abcdef0123456789abcdef") ==
        "undated portal | needs_info | said: awaiting itemized bill | ref WEB-1 | "
        "[claimkit ck1-0123456789abcdef0123456789abcdef]");
}

TEST_CASE("note: long labels are cut at a character boundary") {
  claim_status s;
  s.state = "pending";
  std::string label;
  for (int i = 0; i < 40; ++i) label += "\xc3\xa9";  // 80 bytes of U+00E9
  s.statuses.push_back({"P1", "20", "", "", label, "", ""});
  std::string n = note_text(s, "ck1-0123456789abcdef0123456789abcdef");
  CHECK(n.find(std::string(30, 'x')) == std::string::npos);
  CHECK(n.find("P1/20 " + label.substr(0, 60) + "...") != std::string::npos);
}

TEST_CASE("note: marker must be a key") {
  CHECK(claimkit::push::note_marker_key("text [claimkit nope]").empty());
  CHECK(claimkit::push::note_marker_key("no marker").empty());
}

TEST_CASE("note: acknowledgments say what was acknowledged") {
  const std::string key = "ck1-0123456789abcdef0123456789abcdef";
  claim_status s;
  s.type = "ack";
  s.state = "rejected";
  s.channel = "x12";
  s.event.level = "transaction";
  s.event.code = "R";
  s.event.transaction_type = "999";
  s.event.acknowledged_group = "5120";
  s.event.acknowledged_transaction = "0002";
  s.event.acknowledged_type = "837";
  s.event.errors.push_back({"NM1", "17", "", "8"});
  s.event.errors.push_back({"NM1", "17", "9", "7"});
  s.queue = "rejections";
  CHECK(note_text(s, key) ==
        "undated x12 | rejected | 999 R: 837 0002 in group 5120, 2 errors | queue: rejections | "
        "[claimkit ck1-0123456789abcdef0123456789abcdef]");
  claim_status ta1;
  ta1.type = "ack";
  ta1.event.level = "interchange";
  ta1.event.code = "R";
  ta1.event.acknowledged_interchange = "000001234";
  CHECK(note_text(ta1, key) ==
        "undated | TA1 R: interchange 000001234 | [claimkit ck1-0123456789abcdef0123456789abcdef]");
}

TEST_CASE("note: a batch status shows its codes, trace and tallies") {
  claim_status s;
  s.type = "batch_status";
  s.state = "rejected";
  s.event.level = "information_receiver";
  s.statuses.push_back({"A3", "19", "PR", "2026-11-16", "Rejected", "", ""});
  s.effective_date = "2026-11-16";
  s.event.trace = "T-1";
  s.event.rejected_count = "3";
  s.event.rejected_amount = "410.50";
  CHECK(note_text(s, "ck1-0123456789abcdef0123456789abcdef") ==
        "2026-11-16 | rejected | batch A3/19 Rejected | trace T-1 | rejected 3 (410.50) | "
        "[claimkit ck1-0123456789abcdef0123456789abcdef]");
}

TEST_CASE("note: service lines that need work are listed, hostile values flattened") {
  claim_status s;
  s.state = "paid";
  s.action = "post_payment";
  s.record = R"({"type":"claim_status","claim_id":"C1","state":"paid","line_followups":[)"
             R"({"line_id":"2","procedure":"HC:97110","state":"denied","action":"send_corrected_claim"},)"
             R"({"line_id":3,"state":"needs_info","action":"send\ninformation"},"junk"]})";
  CHECK(note_text(s, "ck1-0123456789abcdef0123456789abcdef") ==
        "undated | paid | next: post_payment | line 2 HC:97110 denied: send_corrected_claim | "
        "line 3 needs_info: send information | [claimkit ck1-0123456789abcdef0123456789abcdef]");
  CHECK(claimkit::push::line_followups_json(s).substr(0, 13) == R"([{"line_id":")");
  // An empty or absent array adds nothing.
  s.record = R"({"type":"claim_status","line_followups":[]})";
  CHECK(claimkit::push::line_followups_json(s).empty());
  s.record = R"({"type":"claim_status","line_followups":"not an array"})";
  CHECK(claimkit::push::line_followups_json(s).empty());
}
