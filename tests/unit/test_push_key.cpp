#include <doctest/doctest.h>

#include <string>

#include "push/key.hpp"
#include "push/sha256.hpp"

using claimkit::push::claim_status;
using claimkit::push::idempotency_key;

namespace {
claim_status sample() {
  claim_status s;
  s.claim_id = "PCN-1";
  s.payer_claim_id = "PX1";
  s.state = "paid";
  s.statuses.push_back({"F1", "65", "PR", "2026-03-02", "", "", ""});
  s.effective_date = "2026-03-02";
  s.channel = "x12";
  s.interchange = "000000811";
  s.group = "811";
  s.transaction = "0001";
  return s;
}
}  // namespace

TEST_CASE("sha256: FIPS 180-4 test vectors") {
  using claimkit::push::sha256_hex;
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  CHECK(sha256_hex(std::string(1000000, 'a')) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  // Lengths around the padding boundaries (55, 56, 64 bytes: one or two final blocks).
  CHECK(sha256_hex(std::string(55, 'x')) == "d5e285683cd4efc02d021a5c62014694958901005d6f71e89e0989fac77e4072");
  CHECK(sha256_hex(std::string(56, 'x')) == "04c26261370ee7541549d16dee320c723e3fd14671e66a099afe0a377c16888e");
  CHECK(sha256_hex(std::string(64, 'x')) == "7ce100971f64e7001e8fe5a51973ecdfe1ced42befe7ee8d5fd6219506b5393c");
  CHECK(sha256_hex("abc", 4) == "ba7816bf");
}

// Keys already sent and journals already written must keep matching: these
// values were made by earlier releases and may never change.
TEST_CASE("key: values made by earlier releases are unchanged") {
  CHECK(idempotency_key("sqlite", sample()) == "ck1-1ab2806d233d4950ffbc2a4711e55aa7");
  CHECK(claimkit::push::sha256_hex("athena:https://api.example.test/195900", 16) == "9cd416d94fa6a407496bef25aab49b03");
}

TEST_CASE("key: deterministic and shaped") {
  std::string k = idempotency_key("sqlite", sample());
  CHECK(k == idempotency_key("sqlite", sample()));
  CHECK(claimkit::push::is_key(k));
  CHECK(k.size() == 36);
  CHECK_FALSE(claimkit::push::is_key("ck1-XYZ"));
}

TEST_CASE("key: what changes it and what does not") {
  const std::string base = idempotency_key("sqlite", sample());
  claim_status s = sample();
  s.source_file = "renamed.277";  // same interchange under another file name
  s.action = "call payer";        // derived advice is not the status
  s.state = "finalized";
  CHECK(idempotency_key("sqlite", s) == base);

  CHECK(idempotency_key("athena:195900", sample()) != base);
  s = sample();
  s.statuses[0].code = "66";
  CHECK(idempotency_key("sqlite", s) != base);
  s = sample();
  s.effective_date = s.statuses[0].effective_date = "2026-03-03";
  CHECK(idempotency_key("sqlite", s) != base);
  s = sample();
  s.interchange = "000000812";
  CHECK(idempotency_key("sqlite", s) != base);
  s = sample();
  s.payer_claim_id = "PX2";
  CHECK(idempotency_key("sqlite", s) != base);
}

TEST_CASE("key: fields cannot slide into each other") {
  claim_status a = sample(), b = sample();
  a.claim_id = "AB";
  a.payer_claim_id = "C";
  b.claim_id = "A";
  b.payer_claim_id = "BC";
  CHECK(idempotency_key("t", a) != idempotency_key("t", b));
}

TEST_CASE("key: portal captures without codes are keyed by what was said") {
  claim_status a;
  a.claim_id = "PCN-1";
  a.channel = "portal";
  a.text = "in process";
  claim_status b = a;
  b.text = "paid";
  CHECK(idempotency_key("t", a) != idempotency_key("t", b));
}

namespace {
claim_status rejected_ack() {
  claim_status s;
  s.type = "ack";
  s.state = "rejected";
  s.event.level = "transaction";
  s.event.accepted = "0";
  s.event.code = "R";
  s.event.acknowledged_group = "5120";
  s.event.acknowledged_transaction = "0002";
  s.event.acknowledged_type = "837";
  s.event.errors.push_back({"NM1", "17", "", "8"});
  s.event.transaction_type = "999";
  s.event.segment = "7";
  s.channel = "x12";
  s.source_file = "in/summit.999";
  s.interchange = "000004303";
  s.group = "4303";
  s.transaction = "0001";
  return s;
}
}  // namespace

TEST_CASE("key: an ack is keyed by control numbers, codes and file, not by normalizing") {
  const std::string base = idempotency_key("sqlite", rejected_ack());
  CHECK(claimkit::push::is_key(base));
  claim_status s = rejected_ack();
  s.state = "error";  // newer rules, same acknowledgment
  s.action = "call";
  s.queue = "other";
  CHECK(idempotency_key("sqlite", s) == base);

  CHECK(idempotency_key("http:https://h.example.org/", rejected_ack()) != base);
  s = rejected_ack();
  s.source_file = "in/summit-2.999";  // a second file is a second event
  CHECK(idempotency_key("sqlite", s) != base);
  s = rejected_ack();
  s.event.acknowledged_transaction = "0003";
  CHECK(idempotency_key("sqlite", s) != base);
  s = rejected_ack();
  s.event.code = "A";
  s.event.accepted = "1";
  CHECK(idempotency_key("sqlite", s) != base);
  s = rejected_ack();
  s.event.level = "group";
  CHECK(idempotency_key("sqlite", s) != base);
  s = rejected_ack();
  s.event.errors[0].code = "7";
  CHECK(idempotency_key("sqlite", s) != base);
  s = rejected_ack();
  s.event.syntax_errors.push_back("5");
  CHECK(idempotency_key("sqlite", s) != base);
  s = rejected_ack();
  s.interchange = "000004304";
  CHECK(idempotency_key("sqlite", s) != base);
}

TEST_CASE("key: a batch status is never keyed like a claim status") {
  claim_status b;
  b.type = "batch_status";
  b.event.level = "information_receiver";
  b.statuses.push_back({"A3", "19", "PR", "2026-11-16", "", "", ""});
  claim_status c = b;
  c.type = "claim_status";
  c.event = {};
  CHECK(idempotency_key("sqlite", b) != idempotency_key("sqlite", c));
  claim_status d = b;
  d.statuses[0].category = "A1";
  CHECK(idempotency_key("sqlite", b) != idempotency_key("sqlite", d));
  claim_status p = b;
  p.event.level = "provider";
  CHECK(idempotency_key("sqlite", b) != idempotency_key("sqlite", p));
  claim_status a = b;
  a.type = "ack";
  CHECK(idempotency_key("sqlite", b) != idempotency_key("sqlite", a));
}
