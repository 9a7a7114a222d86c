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
