#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "core/error.hpp"
#include "json/scan.hpp"
#include "query/submit.hpp"

using namespace claimkit;
using namespace claimkit::query;

namespace {

ndjson::record rec_of(const std::string& text) {
  ndjson::record r;
  json::scan_error err;
  REQUIRE(json::scan_object(text, r.members, err));
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
  CHECK(build_request(r, "000000042") ==
        R"({"controlNumber":"000000042","tradingPartnerServiceId":"60054",)"
        R"("providers":[{"organizationName":"TEST CLINIC","npi":"1234567893","taxId":"123456789","providerType":"BillingProvider"}],)"
        R"("subscriber":{"memberId":"W111","firstName":"ANA","lastName":"DOE","dateOfBirth":"19800229","gender":"F","groupNumber":"G9"},)"
        R"("encounter":{"beginningDateOfService":"20260105","endDateOfService":"20260106","trackingNumber":"PCN-77",)"
        R"("tradingPartnerClaimNumber":"PX-1","submittedAmount":"150.50"}})");
}

TEST_CASE("submit: a dependent goes in `dependent`; the subscriber then needs no birth date") {
  std::string text =
      R"({"claim_id":"D1","payer_id":"P","provider":{"npi":"1234567893"},"subscriber":{"member_id":"M","first_name":"A","last_name":"B"},)"
      R"("patient":{"first_name":"KID","last_name":"B","dob":"2015-06-01","gender":"U"},"service_from":"2026-03-01"})";
  auto r = rec_of(text);
  CHECK(build_request(r, "1") ==
        R"({"controlNumber":"1","tradingPartnerServiceId":"P","providers":[{"npi":"1234567893","providerType":"BillingProvider"}],)"
        R"("subscriber":{"memberId":"M","firstName":"A","lastName":"B"},"dependent":{"firstName":"KID","lastName":"B","dateOfBirth":"20150601"},)"
        R"("encounter":{"beginningDateOfService":"20260301","endDateOfService":"20260301","trackingNumber":"D1"}})");
}

TEST_CASE("submit: claims that cannot be asked about are refused with field names only") {
  CHECK(problem_of(R"({"payer_id":"P"})") == "missing_field: missing claim_id");
  CHECK(problem_of(R"({"claim_id":"C","payer_id":"P"})") == "missing_field: missing provider");
  CHECK(problem_of(R"({"claim_id":"C","payer_id":"P","provider":{"name":"X"}})") ==
        "missing_field: missing provider.npi (or provider.tax_id)");
  CHECK(problem_of(R"({"claim_id":"C","payer_id":"P","provider":{"npi":"12345"}})") == "bad_npi: provider.npi is not 10 digits");
  CHECK(problem_of(R"({"claim_id":"C","payer_id":"P","provider":{"npi":"1234567893"},"service_from":"2026-01-01"})") ==
        "missing_field: missing subscriber");
  CHECK(problem_of(R"({"claim_id":"C","payer_id":"P","provider":{"npi":"1234567893"},"subscriber":{"member_id":"M"},"service_from":"2026-01-01"})") ==
        "missing_field: missing subscriber.first_name");
  CHECK(problem_of(R"({"claim_id":"C","payer_id":"P","provider":{"npi":"1234567893"},"subscriber":{"member_id":"M","first_name":"A","last_name":"B","dob":"01/02/1980"},"service_from":"2026-01-01"})") ==
        "bad_date: subscriber.dob is not a YYYY-MM-DD date");
  CHECK(problem_of(R"({"claim_id":"C","payer_id":"P","provider":{"npi":"1234567893"},"subscriber":{"member_id":"M","first_name":"A","last_name":"B","dob":"1980-01-02"}})") ==
        "missing_field: missing service_from");
  CHECK(problem_of(R"({"claim_id":"C","payer_id":"P","provider":{"npi":"1234567893"},"subscriber":{"member_id":"M","first_name":"A","last_name":"O*B","dob":"1980-01-02"},"service_from":"2026-01-01"})") ==
        "bad_character: subscriber.last_name contains an X12 delimiter character (~ * : ^)");
  CHECK(problem_of(R"({"claim_id":"C","payer_id":"P","provider":{"npi":"1234567893"},"subscriber":{"member_id":"M","first_name":"A","last_name":"B","dob":"1980-01-02"},"service_from":"2026-01-01","billed_amount":"lots"})") ==
        "bad_amount: billed_amount is not a decimal amount");
}

TEST_CASE("submit: a claim status v2 answer becomes claim_status records") {
  const std::string body = R"({
    "controlNumber":"000000042","tradingPartnerServiceId":"60054",
    "payer":{"organizationName":"SYNTHETIC PLAN","payerIdentification":"60054"},
    "providers":[{"organizationName":"TEST CLINIC","taxId":"123456789","providerType":"BillingProvider"},
                 {"organizationName":"TEST CLINIC","npi":"1234567893","providerType":"ServiceProvider"}],
    "subscriber":{"firstName":"ANA","lastName":"DOE","memberId":"W111"},
    "claims":[{"claimStatus":{"statusCategoryCode":"F1","statusCategoryCodeValue":"Finalized/Payment","statusCode":"65",
                "entityCode":"PR","effectiveDate":"20260115","submittedAmount":"150.50","amountPaid":"80.00",
                "paidDate":"20260114","checkIssueDate":"20260116","checkNumber":"CHK1","trackingNumber":"PCN-77",
                "patientAccountNumber":"ACC1","tradingPartnerClaimNumber":"PX-1","claimServiceDate":"20260105-20260106"},
               "serviceDetails":[{"service":{"procedureId":"99213","serviceIdQualifierCode":"HC","procedureModifiers":["25"],
                 "submittedAmount":"150.50","amountPaid":"80.00","submittedUnits":"1","lineItemControlNumber":"L1","serviceDate":"20260105"},
                 "status":[{"statusCategoryCode":"F1","statusCode":"65","effectiveDate":"20260115"}]}]},
              {"claimStatus":{"statusCategoryCode":"P1","statusCode":"20","effectiveDate":"20260101","trackingNumber":"PCN-77",
                "claimServiceDate":"20260105"}}],
    "meta":{"traceId":"t-1"}})";
  std::string out;
  std::vector<std::string> warnings;
  CHECK(convert_response(body, "PCN-77", api_flavour::stedi, "000000042", out, warnings) == 2);
  CHECK(warnings.empty());
  CHECK(out ==
        R"({"type":"claim_status","claim_id":"PCN-77","payer_claim_id":"PX-1","patient_account_number":"ACC1",)"
        R"("payer":{"name":"SYNTHETIC PLAN","id":"60054","id_qualifier":"PI"},)"
        R"("provider":{"name":"TEST CLINIC","id":"123456789","id_qualifier":"FI"},)"
        R"("subscriber":{"last_name":"DOE","first_name":"ANA","member_id":"W111"},)"
        R"("service_from":"2026-01-05","service_to":"2026-01-06","billed_amount":150.50,"paid_amount":80.00,)"
        R"("statuses":[{"category":"F1","code":"65","entity":"PR","effective_date":"2026-01-15","amount":150.50,"paid_amount":80.00,)"
        R"("adjudication_date":"2026-01-14","paid_date":"2026-01-16","check_number":"CHK1"}],)"
        R"("lines":[{"procedure":"99213","procedure_qualifier":"HC","modifiers":["25"],"billed_amount":150.50,"paid_amount":80.00,)"
        R"("units":1,"line_id":"L1","service_date":"2026-01-05","statuses":[{"category":"F1","code":"65","effective_date":"2026-01-15"}]}],)"
        R"("source":{"channel":"api","api":"stedi","control_number":"000000042","transaction_type":"277","trace":"t-1"}})"
        "\n"
        R"({"type":"claim_status","claim_id":"PCN-77","payer":{"name":"SYNTHETIC PLAN","id":"60054","id_qualifier":"PI"},)"
        R"("provider":{"name":"TEST CLINIC","id":"123456789","id_qualifier":"FI"},)"
        R"("subscriber":{"last_name":"DOE","first_name":"ANA","member_id":"W111"},)"
        R"("service_from":"2026-01-05","service_to":"2026-01-05","statuses":[{"category":"P1","code":"20","effective_date":"2026-01-01"}],)"
        R"("source":{"channel":"api","api":"stedi","control_number":"000000042","transaction_type":"277","trace":"t-1"}})"
        "\n");
}

TEST_CASE("submit: a different trackingNumber keeps the request's claim_id and warns") {
  std::string out;
  std::vector<std::string> warnings;
  convert_response(R"({"claims":[{"claimStatus":{"statusCategoryCode":"A4","statusCode":"35","trackingNumber":"OTHER"}}]})",
                   "PCN-1", api_flavour::optum, "000000001", out, warnings);
  CHECK(out == R"({"type":"claim_status","claim_id":"PCN-1","statuses":[{"category":"A4","code":"35"}],)"
               R"("source":{"channel":"api","api":"optum","control_number":"000000001","transaction_type":"277"}})"
               "\n");
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0] == "the api answer's trackingNumber differs from the claim's; kept the claim's claim_id");
}

TEST_CASE("submit: answers without a status fail the claim") {
  auto problem = [](const std::string& body) {
    std::string out;
    std::vector<std::string> w;
    try {
      convert_response(body, "C", api_flavour::optum, "1", out, w);
    } catch (const claim_problem& p) {
      CHECK(out.empty());
      return p.kind + ": " + p.message;
    }
    return std::string("(accepted)");
  };
  CHECK(problem("<html>") == "bad_response: the api answer is not a JSON object");
  CHECK(problem(R"({"claims":[]})") == "no_status: the api answer has no claims");
  CHECK(problem(R"({"claims":[{"claimStatus":null}]})") == "no_status: the api answer has no claim status");
  CHECK(problem(R"({"errors":[{"field":"AAA","code":"75","description":"Subscriber/Insured Not Found"}]})") ==
        "api_error: the api answered with errors: 1 error (code 75 field AAA)");
}

TEST_CASE("submit: error bodies: codes for stderr, the API's text for the rejects file") {
  auto e = api_errors(R"({"errors":[{"field":"subscriber.memberId","code":"72","description":"Invalid member W111"},{"description":"x"}]})");
  CHECK(e.summary == "2 errors (code 72 field subscriber.memberId)");
  CHECK(e.extra == R"("api_errors":[{"field":"subscriber.memberId","code":"72","description":"Invalid member W111"},{"description":"x"}])");
  e = api_errors(R"({"message":"Payer not supported"})");
  CHECK(e.summary == "see api_message in the rejects file");
  CHECK(e.extra == R"("api_message":"Payer not supported")");
  e = api_errors("Bad Gateway");
  CHECK(e.summary.empty());
  CHECK(e.extra.empty());
}
