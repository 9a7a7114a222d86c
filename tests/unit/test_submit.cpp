#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "core/error.hpp"
#include "ndjson/value.hpp"
#include "query/submit.hpp"

using namespace claimkit;
using namespace claimkit::query;

namespace {

ndjson::record rec_of(const std::string& text) {
  ndjson::record r;
  ndjson::parse_error err;
  REQUIRE(ndjson::parse_object(text, r.members, err));
  r.text = text;
  return r;
}

std::string problem_of(const std::string& claim) {
  std::string text = claim;
  auto r = rec_of(text);
  try {
    build_request(r, "000000001");
  } catch (const claim_problem& p) {
    return p.kind + ": " + p.message;
  }
  return "(accepted)";
}

const std::string kClaim =
    R"({"type":"claim","claim_id":"PCN-77","payer_id":"60054","provider":{"npi":"1234567893","name":"TEST CLINIC","tax_id":"123456789"},)"
    R"("subscriber":{"member_id":"W111","first_name":"ANA","last_name":"DOE","dob":"1980-02-29","gender":"F","group_number":"G9"},)"
    R"("service_from":"2026-01-05","service_to":"2026-01-06","billed_amount":150.50,"payer_claim_id":"PX-1","x_extra":1})";

}  // namespace

TEST_CASE("submit: a claim becomes a claim status v2 request") {
  auto r = rec_of(kClaim);
  CHECK(
      build_request(r, "000000042") ==
      R"({"controlNumber":"000000042","tradingPartnerServiceId":"60054",)"
      R"("providers":[{"organizationName":"TEST CLINIC","npi":"1234567893","taxId":"123456789","providerType":"BillingProvider"}],)"
      R"("subscriber":{"memberId":"W111","firstName":"ANA","lastName":"DOE","dateOfBirth":"19800229","gender":"F","groupNumber":"G9"},)"
      R"("encounter":{"beginningDateOfService":"20260105","endDateOfService":"20260106","trackingNumber":"PCN-77",)"
      R"("tradingPartnerClaimNumber":"PX-1","submittedAmount":"150.50"}})");
}

TEST_CASE("submit: a dependent goes in `dependent`; the subscriber then needs no birth date") {
  std::string text =
      R"({"claim_id":"D1","payer_id":"PP","provider":{"npi":"1234567893"},"subscriber":{"member_id":"M1","first_name":"A","last_name":"B"},)"
      R"("patient":{"first_name":"KID","last_name":"B","dob":"2015-06-01","gender":"U"},"service_from":"2026-03-01"})";
  auto r = rec_of(text);
  CHECK(
      build_request(r, "1") ==
      R"({"controlNumber":"1","tradingPartnerServiceId":"PP","providers":[{"npi":"1234567893","providerType":"BillingProvider"}],)"
      R"("subscriber":{"memberId":"M1","firstName":"A","lastName":"B"},"dependent":{"firstName":"KID","lastName":"B","dateOfBirth":"20150601"},)"
      R"("encounter":{"beginningDateOfService":"20260301","endDateOfService":"20260301","trackingNumber":"D1"}})");
}

TEST_CASE("submit: claims that cannot be asked about are refused with field names only") {
  CHECK(problem_of(R"({"payer_id":"PP"})") == "missing_field: missing claim_id");
  CHECK(problem_of(R"({"claim_id":"C","payer_id":"PP"})") == "missing_field: missing provider");
  CHECK(problem_of(R"({"claim_id":"C","payer_id":"PP","provider":{"name":"X"}})") ==
        "missing_field: missing provider.npi (or provider.tax_id)");
  CHECK(problem_of(R"({"claim_id":"C","payer_id":"PP","provider":{"npi":"12345"}})") ==
        "bad_npi: provider.npi is not 10 digits");
  CHECK(problem_of(R"({"claim_id":"C","payer_id":"PP","provider":{"npi":"1234567893"},"service_from":"2026-01-01"})") ==
        "missing_field: missing subscriber");
  CHECK(
      problem_of(
          R"({"claim_id":"C","payer_id":"PP","provider":{"npi":"1234567893"},"subscriber":{"member_id":"M1"},"service_from":"2026-01-01"})") ==
      "missing_field: missing subscriber.first_name");
  CHECK(
      problem_of(
          R"({"claim_id":"C","payer_id":"PP","provider":{"npi":"1234567893"},"subscriber":{"member_id":"M1","first_name":"A","last_name":"B","dob":"01/02/1980"},"service_from":"2026-01-01"})") ==
      "bad_date: subscriber.dob is not a YYYY-MM-DD date");
  CHECK(
      problem_of(
          R"({"claim_id":"C","payer_id":"PP","provider":{"npi":"1234567893"},"subscriber":{"member_id":"M1","first_name":"A","last_name":"B","dob":"1980-01-02"}})") ==
      "missing_field: missing service_from");
  CHECK(
      problem_of(
          R"({"claim_id":"C","payer_id":"PP","provider":{"npi":"1234567893"},"subscriber":{"member_id":"M1","first_name":"A","last_name":"O*B","dob":"1980-01-02"},"service_from":"2026-01-01"})") ==
      "bad_character: subscriber.last_name contains an X12 delimiter character (~ * : ^)");
  CHECK(
      problem_of(
          R"({"claim_id":"C","payer_id":"PP","provider":{"npi":"1234567893"},"subscriber":{"member_id":"M1","first_name":"A","last_name":"B","dob":"1980-01-02"},"service_from":"2026-01-01","billed_amount":"lots"})") ==
      "bad_amount: billed_amount is not a decimal amount");
}

TEST_CASE("submit: the published limits are checked before sending, the field named") {
  const std::string head = R"({"claim_id":"C","payer_id":"PP","service_from":"2026-01-01",)";
  const std::string sub = R"("subscriber":{"member_id":"M1","first_name":"A","last_name":"B","dob":"1980-01-02"})";
  CHECK(problem_of(head + R"("provider":{"npi":"1234567890"},)" + sub + "}") ==
        "bad_npi: provider.npi fails the NPI check digit");
  CHECK(problem_of(head + R"("provider":{"tax_id":"1234"},)" + sub + "}") ==
        "bad_field: provider.tax_id is not 9 digits");
  CHECK(problem_of(head + R"("provider":{"tax_id":"12-3456789"},)" + sub + "}") == "(accepted)");
  CHECK(problem_of(head + R"("provider":{"npi":"1234567893","name":")" + std::string(61, 'N') + R"("},)" + sub + "}") ==
        "field_length: provider.name must be 1 to 60 characters (the API's limit)");
  CHECK(
      problem_of(
          head +
          R"("provider":{"npi":"1234567893"},"subscriber":{"member_id":"M1","first_name":"A","last_name":"B","dob":"1980-01-02","gender":"Q"}})") ==
      "bad_field: subscriber.gender must be M, F or U");
  CHECK(
      problem_of(
          head +
          R"("provider":{"npi":"1234567893"},"subscriber":{"member_id":"M1","first_name":"A","last_name":"B","dob":"1980-02-30"}})") ==
      "bad_date: subscriber.dob is not a YYYY-MM-DD date");
  CHECK(problem_of(R"({"claim_id":"C","payer_id":"P","provider":{"npi":"1234567893"},)" + sub + "}") ==
        "field_length: payer_id must be 2 to 80 characters (the API's limit)");
  CHECK(problem_of(head + R"("provider":{"npi":"1234567893"},"service_to":"2025-12-31",)" + sub + "}") ==
        "bad_date: service_to is before service_from");
  CHECK(problem_of(head + R"("provider":{"npi":"1234567893"},"patient_account_number":")" + std::string(51, '9') +
                   R"(",)" + sub + "}") ==
        "field_length: patient_account_number must be 1 to 50 characters (the API's limit)");
}

TEST_CASE("submit: gender U is left out and the patient account number is sent") {
  const std::string text =
      R"({"claim_id":"C1","payer_id":"60054","provider":{"npi":"1234567893"},)"
      R"("subscriber":{"member_id":"M1","first_name":"A","last_name":"B","dob":"1980-01-02","gender":"U"},)"
      R"("service_from":"2026-01-01","patient_account_number":"ACC-9"})";
  auto r = rec_of(text);
  CHECK(
      build_request(r, "000000001") ==
      R"({"controlNumber":"000000001","tradingPartnerServiceId":"60054","providers":[{"npi":"1234567893","providerType":"BillingProvider"}],)"
      R"("subscriber":{"memberId":"M1","firstName":"A","lastName":"B","dateOfBirth":"19800102"},)"
      R"("encounter":{"beginningDateOfService":"20260101","endDateOfService":"20260101","trackingNumber":"C1",)"
      R"("patientAccountNumber":"ACC-9"}})");
}

namespace {

answer_result answer_of(const std::string& body, std::string& out, long http = 200, std::string_view claim = "PCN-77",
                        std::string_view account = {}) {
  status::vendor_request req{claim, account, {}, "stedi", "000000042"};
  return read_answer(http, body, req, out);
}

}  // namespace

TEST_CASE("submit: a claim status v2 answer becomes claim_status records, STC by STC") {
  const std::string body = R"({
    "controlNumber":"000000042","tradingPartnerServiceId":"60054","reassociationKey":"000000007",
    "payer":{"organizationName":"SYNTHETIC PLAN","payerIdentification":"60054"},
    "providers":[{"organizationName":"TEST CLINIC","taxId":"123456789","providerType":"BillingProvider"},
                 {"organizationName":"TEST CLINIC","npi":"1234567893","providerType":"ServiceProvider"}],
    "subscriber":{"firstName":"ANA","lastName":"DOE","memberId":"W111"},
    "claims":[{"claimStatus":{"statusCategoryCode":"F1","statusCategoryCodeValue":"vendor text","statusCode":"65",
                "entityCode":"PR","effectiveDate":"2026-01-15","submittedAmount":"150.50","amountPaid":"80.00",
                "paidDate":"2026-01-14","checkIssueDate":"2026-01-16","checkNumber":"CHK1","trackingNumber":"PCN-77",
                "patientAccountNumber":"ACC1","tradingPartnerClaimNumber":"PX-1","clearingHouseClaimNumber":"D9-1",
                "claimServiceDate":"20260105-20260106",
                "secondaryStatusCategoryCode":"F1","secondaryStatusCode":"107","secondaryEntityCode":"PR",
                "tertiaryStatusCategoryCode":"F0","tertiaryStatusCode":"3"},
               "serviceDetails":[{"service":{"procedureId":"99213","serviceIdQualifierCode":"HC","procedureModifiers":["25"],
                 "submittedAmount":"150.50","amountPaid":"80.00","revenueCode":"0450","submittedUnits":"1"},
                 "status":[{"statusCategoryCode":"F1","statusCode":"65","effectiveDate":"20260115",
                            "secondaryStatusCategoryCode":"F1","secondaryStatusCode":"107"}]}]}],
    "meta":{"traceId":"t-1"}})";
  std::string out;
  answer_result a = answer_of(body, out);
  CHECK_FALSE(a.failed);
  CHECK(a.records == 1);
  CHECK(a.notes.empty());
  CHECK(
      out ==
      R"({"type":"claim_status","claim_id":"PCN-77","payer_claim_id":"PX-1","patient_account_number":"ACC1",)"
      R"("clearinghouse_trace":"D9-1","payer":{"name":"SYNTHETIC PLAN","id":"60054","id_qualifier":"PI"},)"
      R"("provider":{"name":"TEST CLINIC","id":"123456789","id_qualifier":"FI"},)"
      R"("subscriber":{"last_name":"DOE","first_name":"ANA","member_id":"W111"},)"
      R"("service_from":"2026-01-05","service_to":"2026-01-06","billed_amount":150.50,"paid_amount":80.00,)"
      R"("statuses":[{"category":"F1","code":"65","entity":"PR","effective_date":"2026-01-15","amount":150.50,"paid_amount":80.00,)"
      R"("adjudication_date":"2026-01-14","paid_date":"2026-01-16","check_number":"CHK1"},)"
      R"({"category":"F1","code":"107","entity":"PR","effective_date":"2026-01-15"},{"category":"F0","code":"3","effective_date":"2026-01-15"}],)"
      R"("lines":[{"procedure":"99213","procedure_qualifier":"HC","modifiers":["25"],"billed_amount":150.50,"paid_amount":80.00,)"
      R"("revenue_code":"0450","units":1,"statuses":[{"category":"F1","code":"65","effective_date":"2026-01-15"},)"
      R"({"category":"F1","code":"107","effective_date":"2026-01-15"}]}],)"
      R"("source":{"channel":"api","api":"stedi","control_number":"000000042","interchange":"000000007","transaction_type":"277","trace":"t-1"}})"
      "\n");
}

TEST_CASE("submit: each claim of an answer keeps its own identity") {
  // Pins the bug where every entry got the request's claim_id.
  const std::string body = R"({"claims":[
    {"claimStatus":{"statusCategoryCode":"F1","statusCode":"65","trackingNumber":"PCN-77"}},
    {"claimStatus":{"statusCategoryCode":"F2","statusCode":"88","trackingNumber":"OTHER-1"}},
    {"claimStatus":{"statusCategoryCode":"A1","statusCode":"20","patientAccountNumber":"ACC-2"}},
    {"claimStatus":{"statusCategoryCode":"A1","statusCode":"20","tradingPartnerClaimNumber":"PX-3"}},
    {"claimStatus":{"statusCategoryCode":"A1","statusCode":"20","patientAccountNumber":"ACC-MINE"}},
    {"claimStatus":{"statusCategoryCode":"P1","statusCode":"20"}}]})";
  std::string out;
  answer_result a = answer_of(body, out, 200, "PCN-77", "ACC-MINE");
  CHECK_FALSE(a.failed);
  CHECK(a.records == 5);
  std::vector<std::string> ids;
  std::size_t pos = 0;
  while ((pos = out.find("\"claim_id\":\"", pos)) != std::string::npos) {
    pos += 12;
    std::string id = out.substr(pos, out.find('"', pos) - pos);
    std::size_t eol = out.find('\n', pos);
    bool unmatched = out.substr(pos, eol - pos).find("\"matched\":false") != std::string::npos;
    ids.push_back(id + (unmatched ? " unmatched" : ""));
  }
  CHECK(ids ==
        std::vector<std::string>{"PCN-77", "OTHER-1 unmatched", "ACC-2 unmatched", "PX-3 unmatched", "ACC-MINE"});
  REQUIRE(a.notes.size() == 2);
  CHECK(a.notes[0].kind == "unidentified_claim");
  CHECK(a.notes[1].message == "the answer holds 3 claims other than the one asked for (written with matched: false)");

  // A lone entry that names no claim is the claim asked for; a lone other claim is not.
  out.clear();
  a = answer_of(R"({"claims":[{"claimStatus":{"statusCategoryCode":"P1","statusCode":"20"}}]})", out);
  CHECK(out.find(R"("claim_id":"PCN-77")") != std::string::npos);
  CHECK(out.find("matched") == std::string::npos);
  out.clear();
  a = answer_of(
      R"({"claims":[{"claimStatus":{"statusCategoryCode":"A4","statusCode":"35","trackingNumber":"OTHER"}}]})", out);
  CHECK(out.find(R"("claim_id":"OTHER","matched":false)") != std::string::npos);
}

TEST_CASE("submit: every documented error shape fails the claim with codes only, as an E0 status") {
  std::string out;
  answer_result a = answer_of(
      R"({"errorResponse":{"code":"PAYERDOWN","description":"about W111","errors":[{"field":"subscriber.memberId","value":"W111",)"
      R"("code":"72","description":"Invalid member W111","location":"Loop 2100D","followupAction":"Please Correct and Resubmit"}]}})",
      out);
  CHECK(a.failed);
  CHECK(a.kind == "api_error");
  CHECK(a.message == "the api answered with errors: errorResponse code PAYERDOWN; code 72 field subscriber.memberId");
  CHECK(a.extra ==
        R"("api_errors":[{"shape":"errorResponse","code":"PAYERDOWN"},{"shape":"errorResponse.errors","code":"72",)"
        R"("field":"subscriber.memberId","location":"Loop 2100D","followupAction":"Please Correct and Resubmit"}])");
  CHECK(out == R"({"type":"claim_status","claim_id":"PCN-77","statuses":[{"category":"E0"}],)" + a.extra +
                   R"(,"source":{"channel":"api","api":"stedi","control_number":"000000042","transaction_type":"277"}})"
                   "\n");
  CHECK(out.find("W111") == std::string::npos);

  out.clear();
  a = answer_of(R"({"transactionSetAcknowledgement":"R","implementationTransactionSetSyntaxError":"5"})", out);
  CHECK(a.message ==
        "the api answered with errors: 999 transactionSetAcknowledgement R implementationTransactionSetSyntaxError 5");
  out.clear();
  a = answer_of(R"({"code":"AccessDeniedException","message":"no"})", out, 404);
  CHECK(a.kind == "api_rejected");
  CHECK(a.message == "the api refused the request: HTTP 404: code AccessDeniedException");
  out.clear();
  a = answer_of(R"({"errors":[{"field":"AAA","code":"75","description":"Subscriber/Insured Not Found"}]})", out);
  CHECK(a.message == "the api answered with errors: code 75 field AAA");
  out.clear();
  a = answer_of(
      R"({"claims":[{"claimStatus":{"statusCategoryCode":"F1","statusCode":"65","trackingNumber":"PCN-77"}}],)"
      R"("warnings":[{"code":"W1","description":"about W111"}]})",
      out);
  CHECK_FALSE(a.failed);
  REQUIRE(a.notes.size() == 1);
  CHECK(a.notes[0].kind == "api_warning");
  CHECK(a.notes[0].message == "the api answer carries 1 warning (code W1)");
  CHECK(a.notes[0].extra == R"("api_warnings":[{"code":"W1"}])");
}

TEST_CASE("submit: answers without a status fail the claim") {
  auto problem = [](const std::string& body, long http = 200) {
    std::string out;
    answer_result a = answer_of(body, out, http);
    CHECK(out.empty());
    return a.failed ? a.kind + ": " + a.message : std::string("(accepted)");
  };
  CHECK(problem("<html>") == "bad_response: the api answer is not a JSON object");
  CHECK(problem("Bad Gateway", 400) == "api_rejected: the api refused the request: HTTP 400");
  CHECK(problem(R"({"claims":[]})") == "no_status: the api answer has no claims");
  CHECK(
      problem(R"({"claims":[{"claimStatus":null}],"x":1})") ==
      "no_status: the api answer's claims carry no claimStatus naming a claim (trackingNumber, patientAccountNumber or "
      "tradingPartnerClaimNumber)");
}

TEST_CASE("submit: hostile answers: nothing unchecked reaches stderr, odd shapes do not crash") {
  std::string out;
  // Codes and field names with control characters, spaces or absurd lengths
  // stay out of the message (stderr); the rejects file gets them cut short.
  answer_result a =
      answer_of(R"({"errorResponse":{"code":"X\u001b[31mRED","errors":[{"code":"72\nINJECTED","field":")" +
                    std::string(500, 'F') + R"("},{"code":"7 2","field":"a b"}]}})",
                out);
  CHECK(a.failed);
  CHECK(a.message == "the api answered with errors: errorResponse");
  CHECK(a.extra.find(std::string(129, 'F')) == std::string::npos);
  CHECK(a.extra.find(std::string(128, 'F')) != std::string::npos);
  // Wrong types where objects and strings are expected.
  for (const char* body :
       {R"({"claims":{"claimStatus":{"statusCategoryCode":"F1","trackingNumber":"PCN-77"}}})",
        R"({"claims":[1,"x",null,[]]})", R"({"claims":[{"claimStatus":[{"statusCategoryCode":7}]}]})",
        R"({"claims":[{"claimStatus":{"effectiveDate":"2026-13-45","paidDate":"20260230",)"
        R"("submittedAmount":"12,50","trackingNumber":"PCN-77"}}]})",
        R"({"errorResponse":"down","transactionSetAcknowledgement":7})"}) {
    out.clear();
    CHECK_NOTHROW(answer_of(body, out));
    CHECK(out.find("2026-13-45") == std::string::npos);
    CHECK(out.find("2026-02-30") == std::string::npos);
  }
  // Many claims in one answer: each its own record.
  std::string many = R"({"claims":[)";
  for (int i = 0; i < 5000; ++i) {
    many += (i ? "," : "") + std::string(R"({"claimStatus":{"statusCategoryCode":"F1","trackingNumber":"T)") +
            std::to_string(i) + R"("}})";
  }
  many += "]}";
  out.clear();
  a = answer_of(many, out);
  CHECK(a.records == 5000);
  CHECK(a.notes.size() == 1);
}
