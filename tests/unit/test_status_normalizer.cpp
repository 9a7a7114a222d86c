#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "cli/reporter.hpp"
#include "codes/tables.hpp"
#include "ndjson/reader.hpp"
#include "ndjson/value.hpp"
#include "status/normalizer.hpp"
#include "status/rules.hpp"
#include "status/vendor.hpp"

using namespace claimkit;

namespace {

struct fixture {
  status::rule_set rules = status::default_rule_set();
  codes::tables tables;
  cli::reporter rep{"status-normalize"};
  fixture() { rep.set_quiet(true); }

  // Normalizes one line; returns the output lines.
  std::string run(const std::string& line) {
    ndjson::record rec;
    ndjson::parse_error err;
    REQUIRE(ndjson::parse_object(line, rec.members, err));
    rec.text = line;
    rec.pos = cli::position{"t", 1};
    status::normalizer n(rules, tables, rep);
    std::string out;
    n.process(rec, &out, nullptr);
    return out;
  }
  std::string field(const std::string& out, const std::string& key) {
    std::vector<ndjson::member> ms;
    ndjson::parse_error err;
    std::string first = out.substr(0, out.find('\n'));
    REQUIRE(ndjson::parse_object(first, ms, err));
    const ndjson::member* m = ndjson::find(ms, key);
    if (m == nullptr) return "-";
    return std::string(m->value);
  }
};

std::string claim(const std::string& statuses, const std::string& extra = "") {
  return R"({"type":"claim_status","claim_id":"C1","payer":{"id":"11111"},"source":{"channel":"x12"})" + extra +
         R"(,"statuses":[)" + statuses + "]}";
}

}  // namespace

TEST_CASE("category families map to the documented states") {
  fixture f;
  auto state = [&](const char* cat, const char* code = "20") {
    return f.field(f.run(claim(std::string(R"({"category":")") + cat + R"(","code":")" + code + "\"}")), "state");
  };
  CHECK(state("A1") == "\"received\"");
  CHECK(state("A2") == "\"received\"");
  CHECK(state("A3") == "\"rejected\"");
  CHECK(state("A7") == "\"rejected\"");
  CHECK(state("A4") == "\"not_found\"");
  CHECK(state("D0") == "\"error\"");  // the search failed: fix it and ask again
  CHECK(state("P1") == "\"pending\"");
  CHECK(state("P3") == "\"needs_info\"");
  CHECK(state("P4") == "\"needs_info\"");
  CHECK(state("R4") == "\"needs_info\"");
  CHECK(state("R16") == "\"needs_info\"");
  CHECK(state("F1") == "\"paid\"");
  CHECK(state("F2") == "\"denied\"");
  CHECK(state("F3F") == "\"finalized\"");
  CHECK(state("F4") == "\"finalized\"");
  CHECK(state("E1") == "\"error\"");
  CHECK(state("E0") == "\"error\"");
  CHECK(state("ZZ") == "\"unknown\"");
}

TEST_CASE("the latest effective date decides, then the most pressing family") {
  fixture f;
  // History first, current last: the later F1 wins over the earlier F2.
  auto out = f.run(claim(R"({"category":"F2","code":"88","effective_date":"2026-01-01"},)"
                         R"({"category":"F1","code":"65","effective_date":"2026-02-01"})"));
  CHECK(f.field(out, "state") == "\"paid\"");
  // Same date: a denial outranks a pending entry whatever the order.
  out = f.run(claim(R"({"category":"P1","code":"20","effective_date":"2026-02-01"},)"
                    R"({"category":"F2","code":"88","effective_date":"2026-02-01"})"));
  CHECK(f.field(out, "state") == "\"denied\"");
  // Line statuses never decide.
  out = f.run(claim(R"({"category":"A2","code":"20"})", R"(,"lines":[{"statuses":[{"category":"F2","code":"88"}]}])"));
  CHECK(f.field(out, "state") == "\"received\"");
}

TEST_CASE("codes of the deciding category refine the rule") {
  fixture f;
  auto out = f.run(claim(R"({"category":"F2","code":"21"},{"category":"F2","code":"116"})"));
  CHECK(f.field(out, "action") == "\"bill_other_payer\"");
  out = f.run(claim(R"({"category":"F2","code":"54"})"));
  CHECK(f.field(out, "action") == "\"check_original_claim\"");
}

TEST_CASE("labels go into every status entry, other members untouched") {
  fixture f;
  auto out = f.run(
      claim(R"({"category":"F2","code":"88","entity":"QC","amount":150.00, "x" : [1.50]})",
            R"(,"lines":[{"procedure":"99203","billed_amount":75.10,"statuses":[{"category":"F2","code":"88"}]}])"));
  CHECK(
      out.find(
          R"({"category":"F2","code":"88","entity":"QC","amount":150.00, "x" : [1.50],"category_label":"Finalized: denied","code_label":"Entity not eligible on these service dates","entity_label":"Patient"})") !=
      std::string::npos);
  CHECK(
      out.find(
          R"("lines":[{"procedure":"99203","billed_amount":75.10,"statuses":[{"category":"F2","code":"88","category_label":"Finalized: denied")") !=
      std::string::npos);
}

TEST_CASE("normalizing twice gives the same record (fields replaced, not repeated)") {
  fixture f;
  auto once = f.run(claim(R"({"category":"A4","code":"35"})"));
  std::string line = once.substr(0, once.size() - 1);
  auto twice = f.run(line);
  CHECK(twice == once);
}

TEST_CASE("escalation: thin answers, payer preferences, never back to the same channel") {
  fixture f;
  auto out = f.run(claim(R"({"category":"P1","code":"0"})"));
  CHECK(f.field(out, "escalate") == "\"portal\"");
  CHECK(f.field(out, "action") == "\"escalate\"");
  out = f.run(claim(R"({"category":"P1","code":"20"})"));
  CHECK(f.field(out, "escalate") == "-");
  out = f.run(claim(R"({"category":"E1","code":"484"})"));
  CHECK(f.field(out, "escalate") == "-");
  f.rules.esc.phone = {"11111"};
  out = f.run(claim(R"({"category":"E1","code":"484"})"));
  CHECK(f.field(out, "escalate") == "\"phone\"");
  out = f.run(claim(R"({"category":"A4","code":"35"})"));
  CHECK(f.field(out, "escalate") == "\"phone\"");
  out = f.run(
      R"({"type":"claim_status","claim_id":"C2","payer":{"id":"11111"},"source":{"channel":"phone"},"text":"not on file"})");
  CHECK(f.field(out, "state") == "\"not_found\"");
  CHECK(f.field(out, "escalate") == "-");
}

TEST_CASE("portal text becomes a status entry; unmatched text is unknown") {
  fixture f;
  auto out =
      f.run(R"({"type":"claim_status","claim_id":"C3","source":{"channel":"portal"},"text":"Paid","statuses":[]})");
  CHECK(f.field(out, "statuses") ==
        R"([{"category":"F1","code":"65","category_label":"Finalized: paid","code_label":"Paid"}])");
  CHECK(f.field(out, "state") == "\"paid\"");
  out = f.run(R"({"type":"claim_status","claim_id":"C3","source":{"channel":"portal"},"text":"call back tuesday"})");
  CHECK(f.field(out, "state") == "\"unknown\"");
  CHECK(f.field(out, "action") == "\"review\"");
  CHECK(f.field(out, "statuses") == "-");
}

TEST_CASE("bad records are refused with a kind") {
  fixture f;
  auto kind_of = [&](const std::string& line) -> std::string {
    try {
      f.run(line);
    } catch (const ndjson::bad_record& b) {
      return b.kind + ": " + b.message;
    }
    return "accepted";
  };
  CHECK(kind_of(R"({"type":"claim_status","statuses":[]})") == "missing_field: claim_status record has no claim_id");
  CHECK(kind_of(R"({"type":"claim","claim_id":"X"})") ==
        "wrong_type: record type is not claim_status, batch_status or ack");
  CHECK(kind_of(R"({"claim_id":"X"})") == "missing_field: record has no \"type\" field");
  CHECK(kind_of(R"({"claims":[]})") == "no_claims: vendor response has no claims");
}

TEST_CASE("ack and batch records are routed") {
  fixture f;
  auto out = f.run(R"({"type":"ack","accepted":false,"errors":[{"segment_id":"CLM","code":"8"}]})");
  CHECK(f.field(out, "state") == "\"rejected\"");
  CHECK(f.field(out, "queue") == "\"rejections\"");
  out = f.run(R"({"type":"ack","accepted":true,"code":"E"})");
  CHECK(f.field(out, "action") == "\"review\"");
  out = f.run(R"({"type":"batch_status","statuses":[{"category":"A3","code":"24","entity":"41"}]})");
  CHECK(f.field(out, "queue") == "\"batch_rejections\"");
}

TEST_CASE("unknown codes: one warning per distinct code, label left out") {
  fixture f;
  status::normalizer n(f.rules, f.tables, f.rep);
  for (int i = 0; i < 3; ++i) {
    std::string line = claim(R"({"category":"F2","code":"9999","entity":"Q9"})");
    ndjson::record rec;
    ndjson::parse_error err;
    REQUIRE(ndjson::parse_object(line, rec.members, err));
    rec.text = line;
    std::string out;
    n.process(rec, &out, nullptr);
    CHECK(out.find("code_label") == std::string::npos);
    CHECK(out.find("category_label") != std::string::npos);
  }
  CHECK(f.rep.warnings() == 2);
}

TEST_CASE("labels of repeated code combinations: same text, warnings once per code, codes told apart") {
  fixture f;
  status::normalizer n(f.rules, f.tables, f.rep);
  auto one = [&](const std::string& statuses) {
    std::string line = claim(statuses);
    ndjson::record rec;
    ndjson::parse_error err;
    REQUIRE(ndjson::parse_object(line, rec.members, err));
    rec.text = line;
    std::string out;
    n.process(rec, &out, nullptr);
    return out;
  };
  // Each combination alone, in a fresh normalizer, is the reference.
  auto fresh = [&](const std::string& statuses) { return f.run(claim(statuses)); };
  const std::vector<std::string> entries = {
      R"({"category":"F1","code":"65","entity":"PR"})",         R"({"category":"F2","code":"88","entity":"QC"})",
      R"({"category":"F2","code":"9999","entity":"Q9"})",     // unknown code and entity
      R"({"category":"F2","code":"9999","entity":"Q8"})",     // the same unknown code, another entity
      R"({"category":"F1","code":"\u00006","entity":"PR"})",  // a NUL in front: not code "6"
      R"({"category":"F1","code":"6","entity":"PR"})",
      R"({"category":"F1","code":"6500000000","entity":"PR"})",  // too long to be remembered
      R"({"category":"A1","code":"","entity":"PR"})",           R"({})",
  };
  for (int round = 0; round < 3; ++round) {
    for (const auto& e : entries) CHECK(one(e) == fresh(e));
  }
  // Far more combinations than the normalizer remembers, so that they
  // compete for its slots: none may take another's labels.
  std::vector<std::string> many;
  for (const char* cat : {"A1", "A2", "A3", "F1", "F2", "F4", "P1", "R4"}) {
    for (int code = 0; code < 50; ++code) {
      for (const char* ent : {"PR", "QC", "85", ""}) {
        many.push_back(std::string(R"({"category":")") + cat + R"(","code":")" + std::to_string(code) +
                       (*ent != 0 ? std::string(R"(","entity":")") + ent : std::string()) + "\"}");
      }
    }
  }
  std::size_t differ = 0;
  for (int round = 0; round < 2; ++round) {
    for (const auto& e : many) differ += one(e) != fresh(e) ? 1 : 0;
  }
  CHECK(differ == 0);
  // Warnings: one per unknown code whatever the order and repetition. In
  // isolation each entry warns about its own codes; in a batch 9999 (in two
  // entries) is warned about once, so the batch has one warning fewer.
  auto warnings_of = [&](const std::vector<std::string>& batch, int rounds) {
    cli::reporter r{"status-normalize"};
    r.set_quiet(true);
    status::normalizer k(f.rules, f.tables, r);
    for (int round = 0; round < rounds; ++round) {
      for (const auto& e : batch) {
        std::string line = claim(e);
        ndjson::record rec;
        ndjson::parse_error err;
        REQUIRE(ndjson::parse_object(line, rec.members, err));
        rec.text = line;
        std::string out;
        k.process(rec, &out, nullptr);
      }
    }
    return r.warnings();
  };
  std::uint64_t alone = 0;
  for (const auto& e : entries) alone += warnings_of({e}, 1);
  CHECK(alone >= 4);
  CHECK(warnings_of(entries, 1) == alone - 1);
  CHECK(warnings_of(entries, 3) == alone - 1);
}

TEST_CASE("vendor responses: one claim_status per claim, amounts keep their digits") {
  std::string line = R"({"controlNumber":"1","payer":{"organizationName":"ACME","payerIdentification":"60054"},
    "subscriber":{"memberId":"M1","firstName":"A","lastName":"B"},
    "claims":[{"claimStatus":{"statusCategoryCode":"F1","statusCode":"65","entityCode":"PR","effectiveDate":"20260105",
      "submittedAmount":"150.00","amountPaid":"120.5","paidDate":"20260110","checkNumber":"K1","trackingNumber":"T1",
      "patientAccountNumber":"PA1","tradingPartnerClaimNumber":"PCN1","claimServiceDate":"20251201-20251202"},
      "serviceDetails":[{"service":{"procedureId":"99213","submittedAmount":"150.00","amountPaid":"120.5"},
        "status":[{"statusCategoryCode":"F1","statusCode":"65"}]}]},
      {"claimStatus":{"statusCategoryCode":"A4","statusCode":"35","patientAccountNumber":"PA2"}}]})";
  ndjson::record rec;
  ndjson::parse_error err;
  REQUIRE(ndjson::parse_object(line, rec.members, err));
  rec.text = line;
  REQUIRE(status::is_vendor_response(rec));
  auto claims = status::convert_vendor(rec);
  REQUIRE(claims.size() == 2);
  CHECK(
      claims[0].record ==
      R"({"type":"claim_status","claim_id":"T1","payer_claim_id":"PCN1","patient_account_number":"PA1",)"
      R"("payer":{"name":"ACME","id":"60054","id_qualifier":"PI"},"subscriber":{"last_name":"B","first_name":"A","member_id":"M1"},)"
      R"("service_from":"2025-12-01","service_to":"2025-12-02","billed_amount":150.00,"paid_amount":120.5,)"
      R"("statuses":[{"category":"F1","code":"65","entity":"PR","effective_date":"2026-01-05","amount":150.00,)"
      R"("paid_amount":120.5,"adjudication_date":"2026-01-10","check_number":"K1"}],)"
      R"("lines":[{"procedure":"99213","billed_amount":150.00,"paid_amount":120.5,)"
      R"("statuses":[{"category":"F1","code":"65"}]}],"source":{"channel":"api","control_number":"1","transaction_type":"277"}})");
  CHECK(claims[1].has_id);
  CHECK(claims[1].record.find(R"("claim_id":"PA2")") != std::string::npos);
}

TEST_CASE("category precedence is fixed") {
  CHECK(status::category_rank("A3") < status::category_rank("F2"));
  CHECK(status::category_rank("F2") < status::category_rank("R4"));
  CHECK(status::category_rank("R4") < status::category_rank("F1"));
  CHECK(status::category_rank("F1") < status::category_rank("F4"));
  CHECK(status::category_rank("F4") < status::category_rank("E1"));
  CHECK(status::category_rank("D0") == status::category_rank("E0"));
  CHECK(status::category_rank("E1") < status::category_rank("A4"));
  CHECK(status::category_rank("A4") < status::category_rank("P1"));
  CHECK(status::category_rank("P1") < status::category_rank("A1"));
  CHECK(status::category_rank("A1") < status::category_rank("ZZ"));
}

namespace {

// What a biller expects of a sentence said on the phone or shown on a
// portal: state, the status (category:code, "-" when nothing is read) and
// the next action.
struct said_case {
  const char* text;
  const char* state;
  const char* status;
  const char* action;
};

constexpr said_case kSaid[] = {
    // negation over a short window (the first two misread as paid / finalized)
    {"claim has not been paid", "unknown", "-", "review"},
    {"Has not been processed yet", "pending", "P1:20", "wait"},
    {"it hasn't been finalized", "pending", "P1:20", "wait"},
    {"claim has not been denied", "unknown", "-", "review"},
    {"claim is not denied, it is in process", "pending", "P1:20", "wait"},
    {"not paid yet, still in process", "pending", "P1:20", "wait"},
    {"processed, not yet paid", "finalized", "F0:3", "wait"},
    {"claim hasn't been received", "not_found", "A4:35", "verify_submission"},
    {"we never received this claim", "not_found", "A4:35", "verify_submission"},
    {"no check has been issued", "unknown", "-", "review"},
    {"check has not been issued yet", "finalized", "F0:3", "wait"},
    {"payment has not been issued", "unknown", "-", "review"},
    {"no additional information needed", "unknown", "-", "review"},
    {"was not forwarded", "unknown", "-", "review"},
    {"claim in process, not denied", "pending", "P1:20", "wait"},
    // outcome words outrank process words
    {"processed and paid", "paid", "F1:65", "post_payment"},
    {"finalized and paid", "paid", "F1:65", "post_payment"},
    {"denied: prior authorization not on file", "denied", "F2:84", "appeal_with_authorization"},
    {"denied, other insurance is primary", "denied", "F2:85", "bill_other_payer"},
    {"processed and denied as duplicate", "denied", "F2:54", "check_original_claim"},
    {"denied for timely filing", "denied", "F2:718", "appeal"},
    {"denied - not medically necessary", "denied", "F2:287", "appeal_with_records"},
    {"denied, bundled with another service", "denied", "F2:735", "send_corrected_claim"},
    {"denied, need itemized bill", "denied", "F2:279", "appeal"},
    {"duplicate claim", "denied", "F2:54", "check_original_claim"},
    {"rejected, invalid member id", "rejected", "A7:164", "correct_and_resubmit"},
    {"claim was returned as unprocessable", "rejected", "A3", "correct_and_resubmit"},
    {"paid and rejected", "unknown", "-", "review"},
    {"claim voided", "finalized", "F3:686", "review_void"},
    {"the claim was recouped and voided", "finalized", "F3:686", "review_void"},
    {"paid in full", "paid", "F1:65", "post_payment"},
    {"paid zero, applied to deductible", "finalized", "F4:98", "bill_patient"},
    // paid and denied in one sentence: a partial payment
    {"line 2 denied as bundled, rest paid", "paid", "F2:735", "post_payment_and_appeal"},
    {"paid $80, one line denied", "paid", "F2", "post_payment_and_appeal"},
    // who is waited on
    {"pending medical records", "needs_info", "R4:297", "send_information"},
    {"additional information needed from provider", "needs_info", "R0", "send_information"},
    {"on hold pending a COB update from the patient", "needs_info", "P4:171", "contact_patient"},
    {"waiting on patient", "needs_info", "P4", "contact_patient"},
    {"waiting for information from the member", "needs_info", "P4", "contact_patient"},
    {"pending primary EOB", "needs_info", "P0:516", "contact_other_payer"},
    {"waiting on the other payer's EOB", "needs_info", "P0:516", "contact_other_payer"},
    {"pending itemized bill from the hospital", "needs_info", "R4:279", "send_information"},
    {"need operative report", "needs_info", "R4:298", "send_information"},
    {"Claim is pending, waiting on provider to send records", "needs_info", "P3", "send_information"},
    {"claim is suspended pending accident questionnaire from the member", "needs_info", "P4:365", "contact_patient"},
    {"pending COB information from the other insurance", "needs_info", "P0:171", "contact_other_payer"},
    {"medical records received, claim under review", "pending", "P2:46", "wait"},
    // a check or EFT number or date means paid
    {"check was mailed on 10/02/2026", "paid", "F1:65", "post_payment"},
    {"check number 004471920 issued 10/02", "paid", "F1:65", "post_payment"},
    {"EFT trace 9912345 sent", "paid", "F1:65", "post_payment"},
    {"claim was paid on 10/02/2026, check 4471920", "paid", "F1:65", "post_payment"},
    {"please check back in 10 days", "unknown", "-", "review"},
    // eligibility or coverage ended
    {"eligibility termed 03/31", "denied", "F2:88", "verify_coverage"},
    {"member termed on 12/31/2025", "denied", "F2:88", "verify_coverage"},
    {"coverage terminated", "denied", "F2:27", "verify_coverage"},
    {"patient not eligible on date of service", "denied", "F2:88", "verify_coverage"},
    {"no active coverage", "denied", "F2:88", "verify_coverage"},
    {"denied: patient's coverage ended 01/31", "denied", "F2:88", "verify_coverage"},
    // forwarded: crossover after processing, else follow up with the entity
    {"Processed as primary and forwarded to Medicaid", "finalized", "F3F", "wait"},
    {"processed and forwarded to the secondary payer", "finalized", "F3F", "wait"},
    {"crossed over to secondary", "finalized", "F3F", "wait"},
    {"forwarded to Medicare", "received", "A0:16", "follow_up_with_entity"},
    // process words: the furthest stage said
    {"Received", "received", "A1:19", "wait"},
    {"in process", "pending", "P1:20", "wait"},
    {"claim accepted and in process", "pending", "P1:20", "wait"},
    {"claim was processed, payment pending", "finalized", "F0:3", "wait"},
    {"approved, awaiting payment", "finalized", "F0:3", "wait"},
    {"under review", "pending", "P2:46", "wait"},
    {"in medical review", "pending", "P2:46", "wait"},
    {"claim not found", "not_found", "A4:35", "verify_submission"},
    {"no record of this claim", "not_found", "A4:35", "verify_submission"},
    {"system is down, try again later", "error", "E2", "retry_later"},
    // unreadable: never a guess
    {"the weather is nice", "unknown", "-", "review"},
    {"unpaid", "unknown", "-", "review"},
};

std::string unquote(std::string s) { return s.size() >= 2 && s.front() == '"' ? s.substr(1, s.size() - 2) : s; }

}  // namespace

TEST_CASE("phone and portal sentences read the way a biller reads them") {
  fixture f;
  std::size_t right = 0;
  for (const auto& c : kSaid) {
    std::string rec = std::string(R"({"type":"claim_status","claim_id":"P1","source":{"channel":"phone"},"text":)") +
                      "\"" + c.text + "\"}";
    std::string out = f.run(rec);
    std::string state = unquote(f.field(out, "state"));
    std::string action = unquote(f.field(out, "action"));
    std::string status = "-";
    std::vector<ndjson::member> ms;
    ndjson::parse_error err;
    std::string first = out.substr(0, out.find('\n'));
    REQUIRE(ndjson::parse_object(first, ms, err));
    if (const ndjson::member* st = ndjson::find(ms, "statuses")) {
      std::vector<std::string_view> entries;
      ndjson::elements_of(st->value, entries);
      REQUIRE(!entries.empty());
      std::vector<ndjson::member> em;
      ndjson::members_of(entries.front(), em);
      status = unquote(std::string(ndjson::find(em, "category")->value));
      if (const ndjson::member* code = ndjson::find(em, "code")) status += ":" + unquote(std::string(code->value));
    }
    bool ok = state == c.state && status == c.status && action == c.action;
    right += ok ? 1 : 0;
    CHECK_MESSAGE(ok, c.text << " -> " << state << " " << status << " " << action << " (expected " << c.state << " "
                             << c.status << " " << c.action << ")");
  }
  MESSAGE(right << " of " << std::size(kSaid) << " sentences read right");
  CHECK(std::size(kSaid) >= 60);
}

TEST_CASE("F2 is routed by the family of its status code") {
  fixture f;
  auto action = [&](const char* code) {
    return unquote(f.field(f.run(claim(std::string(R"({"category":"F2","code":")") + code + "\"}")), "action"));
  };
  auto queue = [&](const char* code) {
    return unquote(f.field(f.run(claim(std::string(R"({"category":"F2","code":")") + code + "\"}")), "queue"));
  };
  CHECK(action("88") == "verify_coverage");  // not eligible on the date of service
  CHECK(action("27") == "verify_coverage");  // policy canceled
  CHECK(queue("109") == "eligibility");
  CHECK(action("85") == "bill_other_payer");  // entity not primary
  CHECK(action("116") == "bill_other_payer");
  CHECK(queue("487") == "cob");
  CHECK(action("735") == "send_corrected_claim");  // in the allowance of another service
  CHECK(action("453") == "send_corrected_claim");  // modifiers
  CHECK(queue("454") == "coding");
  CHECK(action("718") == "appeal");               // timely filing
  CHECK(action("287") == "appeal_with_records");  // medical necessity
  CHECK(action("84") == "appeal_with_authorization");
  CHECK(action("54") == "check_original_claim");
  CHECK(action("78") == "check_original_claim");
  CHECK(action("9") == "appeal");  // no family: appeal
}

TEST_CASE("D0 is a failed search and A0 a forwarded claim") {
  fixture f;
  auto out = f.run(claim(R"({"category":"D0","code":"35"})"));
  CHECK(unquote(f.field(out, "state")) == "error");
  CHECK(unquote(f.field(out, "action")) == "fix_request");
  CHECK(unquote(f.field(out, "queue")) == "request_errors");
  out = f.run(claim(R"({"category":"A0","code":"16","entity":"PR"})"));
  CHECK(unquote(f.field(out, "state")) == "received");
  CHECK(unquote(f.field(out, "action")) == "follow_up_with_entity");
  CHECK(unquote(f.field(out, "queue")) == "forwarded");
  // A batch forwarded by a clearinghouse is still just received.
  out = f.run(R"({"type":"batch_status","statuses":[{"category":"A0","code":"16"}]})");
  CHECK(unquote(f.field(out, "action")) == "wait");
}

TEST_CASE("paid and denied in one STC is a partial payment, not one of them") {
  fixture f;
  // STC01 F1:65 and STC10 F2:735 of one segment share the date.
  auto out = f.run(claim(R"({"category":"F1","code":"65","effective_date":"2026-03-01"},)"
                         R"({"category":"F2","code":"735","effective_date":"2026-03-01"})"));
  CHECK(unquote(f.field(out, "state")) == "paid");
  CHECK(unquote(f.field(out, "action")) == "post_payment_and_appeal");
  CHECK(unquote(f.field(out, "queue")) == "partial_payments");
  // An older payment under a newer denial is a denial.
  out = f.run(claim(R"({"category":"F1","code":"65","effective_date":"2026-02-01"},)"
                    R"({"category":"F2","code":"735","effective_date":"2026-03-01"})"));
  CHECK(unquote(f.field(out, "state")) == "denied");
  // The cache keeps the two apart.
  out = f.run(claim(R"({"category":"F2","code":"735","effective_date":"2026-03-01"})"));
  CHECK(unquote(f.field(out, "action")) == "send_corrected_claim");
}

TEST_CASE("service lines that need work of their own become line_followups") {
  fixture f;
  // A paid claim with one denied line and one line with a records request.
  auto out =
      f.run(claim(R"({"category":"F1","code":"65"})",
                  R"(,"lines":[{"line_id":"1","procedure":"HC:99213","statuses":[{"category":"F1","code":"65"}]},)"
                  R"({"line_id":"2","procedure":"HC:97110","statuses":[{"category":"F2","code":"735"}]},)"
                  R"({"line_id":3,"procedure":"HC:97140","statuses":[{"category":"R4","code":"297"}]},)"
                  R"({"line_id":"4","procedure":"HC:97530"}])"));
  CHECK(unquote(f.field(out, "state")) == "paid");
  CHECK(f.field(out, "line_followups") ==
        R"([{"line_id":"2","procedure":"HC:97110","state":"denied","action":"send_corrected_claim","queue":"coding",)"
        R"("category":"F2","code":"735"},{"line_id":3,"procedure":"HC:97140","state":"needs_info",)"
        R"("action":"send_information","queue":"info_requests","category":"R4","code":"297"}])");
  // Lines in the claim's own state need nothing more.
  out = f.run(claim(R"({"category":"F2","code":"735"})",
                    R"(,"lines":[{"line_id":"1","statuses":[{"category":"F2","code":"735"}]}])"));
  CHECK(f.field(out, "line_followups") == "-");
  // Normalized twice: replaced, not repeated.
  auto again = f.run(out.substr(0, out.find('\n')));
  CHECK(again == out);
  // A paid line under a denied claim is not work.
  out = f.run(claim(R"({"category":"F2","code":"88"})",
                    R"(,"lines":[{"line_id":"1","statuses":[{"category":"F1","code":"65"}]}])"));
  CHECK(f.field(out, "line_followups") == "-");
}
