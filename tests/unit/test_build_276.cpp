#include <doctest/doctest.h>

#include <string>

#include <fmt/format.h>

#include "query/build_276.hpp"
#include "x12/values.hpp"

using namespace claimkit::query;

namespace {

const char* kClaim =
    R"({"type":"claim","claim_id":"TC-1","payer_id":"99901","payer_name":"SAMPLE PLAN",)"
    R"("provider":{"npi":"1234567893","name":"NORTH CLINIC"},)"
    R"("subscriber":{"member_id":"SP100","first_name":"IVY","last_name":"STONE","dob":"1980-02-29","gender":"F"},)"
    R"("service_from":"2026-09-01","service_to":"2026-09-03","billed_amount":150.50,)"
    R"("payer_claim_id":"PCN7","bill_type":"111","patient_account_number":"PA9",)"
    R"("lines":[{"line_id":"L1","procedure":"99213","modifiers":["25","59"],"billed_amount":100.50,"units":2,"service_date":"2026-09-01"},)"
    R"({"revenue_code":"0450","billed_amount":50,"units":1}]})";

envelope_settings sample_env() {
  envelope_settings env;
  env.sender_id = "SENDER1";
  env.receiver_id = "RECEIVER1";
  env.info_receiver_name = "NORTH CLINIC";
  env.timestamp = 1790000000;  // 2026-09-21 14:13:20 UTC
  return env;
}

std::string problems_of(const std::string& json) {
  claim_276 c;
  return read_claim(json, "claim_id", c);
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("NPI check digit uses the 80840 prefix (x12::valid_npi, used by build and submit)") {
  using claimkit::x12::valid_npi;
  CHECK(valid_npi("1234567893"));
  CHECK(valid_npi("1500000009"));
  CHECK_FALSE(valid_npi("1234567890"));
  CHECK_FALSE(valid_npi("123456789"));
  CHECK_FALSE(valid_npi("12345678A3"));
  CHECK_FALSE(valid_npi(""));
}

TEST_CASE("build_276: dates must be real calendar days") {
  CHECK(is_date("2024-02-29"));
  CHECK_FALSE(is_date("2023-02-29"));
  CHECK_FALSE(is_date("2026-13-01"));
  CHECK_FALSE(is_date("2026-04-31"));
  CHECK_FALSE(is_date("20260401"));
  CHECK_FALSE(is_date("2026-4-01"));
  CHECK(is_date("2000-02-29"));
  CHECK_FALSE(is_date("1900-02-29"));
}

TEST_CASE("build_276: a good claim reads without problems") {
  claim_276 c;
  REQUIRE(read_claim(kClaim, "claim_id", c) == "");
  CHECK(c.trace == "TC-1");
  CHECK(c.billed_amount == "150.50");
  CHECK(c.lines.size() == 2);
  CHECK(c.lines[0].modifiers.size() == 2);
  CHECK(c.lines[1].units == "1");
  CHECK_FALSE(c.has_patient);
}

TEST_CASE("build_276: the whole interchange for one claim") {
  claim_276 c;
  REQUIRE(read_claim(kClaim, "claim_id", c) == "");
  std::string out;
  write_interchange(out, sample_env(), 7, {c});
  CHECK(out ==
        "ISA*00*          *00*          *ZZ*SENDER1        *ZZ*RECEIVER1      *260921*1413*^*00501*000000007*0*P*:~\n"
        "GS*HR*SENDER1*RECEIVER1*20260921*1413*7*X*005010X212~\n"
        "ST*276*0007*005010X212~\n"
        "BHT*0010*13*7*20260921*1413~\n"
        "HL*1**20*1~\n"
        "NM1*PR*2*SAMPLE PLAN*****PI*99901~\n"
        "HL*2*1*21*1~\n"
        "NM1*41*2*NORTH CLINIC*****46*SENDER1~\n"
        "HL*3*2*19*1~\n"
        "NM1*1P*2*NORTH CLINIC*****XX*1234567893~\n"
        "HL*4*3*22*0~\n"
        "DMG*D8*19800229*F~\n"
        "NM1*IL*1*STONE*IVY****MI*SP100~\n"
        "TRN*1*TC-1~\n"
        "REF*1K*PCN7~\n"
        "REF*BLT*111~\n"
        "REF*EJ*PA9~\n"
        "AMT*T3*150.50~\n"
        "DTP*472*RD8*20260901-20260903~\n"
        "SVC*HC:99213:25:59*100.50*****2~\n"
        "REF*FJ*L1~\n"
        "DTP*472*D8*20260901~\n"
        "SVC*NU:0450*50*****1~\n"
        "SE*22*0007~\n"
        "GE*1*7~\n"
        "IEA*1*000000007~\n");
}

TEST_CASE("build_276: ISA is always 106 characters and test data says T") {
  claim_276 c;
  REQUIRE(read_claim(kClaim, "claim_id", c) == "");
  envelope_settings env = sample_env();
  env.test = true;
  env.sender_id = "S";
  std::string out;
  write_interchange(out, env, 999999999, {c});
  std::string isa = out.substr(0, out.find('\n'));
  CHECK(isa.size() == 106);
  CHECK(isa.substr(isa.size() - 5) == "*T*:~");
  CHECK(out.find("IEA*1*999999999~") != std::string::npos);
}

TEST_CASE("build_276: claims share payer, provider and subscriber loops; dependents get HL 23") {
  std::string a =
      R"({"claim_id":"A","payer_id":"P1","payer_name":"PLAN ONE","provider":{"npi":"1234567893","name":"DOC"},)"
      R"("subscriber":{"member_id":"M1","last_name":"ROE","first_name":"JO","dob":"1970-01-01","gender":"M"},)"
      R"("service_from":"2026-01-02"})";
  std::string b =
      R"({"claim_id":"B","payer_id":"P1","payer_name":"PLAN ONE","provider":{"npi":"1234567893","name":"DOC"},)"
      R"("subscriber":{"member_id":"M1","last_name":"ROE","first_name":"JO"},)"
      R"("patient":{"last_name":"ROE","first_name":"KIT","dob":"2015-05-05","gender":"F"},"service_from":"2026-01-03"})";
  std::string c2 =
      R"({"claim_id":"C","payer_id":"P2","payer_name":"PLAN TWO","provider":{"tax_id":"123456789","name":"DOC"},)"
      R"("subscriber":{"member_id":"M2","last_name":"DOE","dob":"1960-12-31","gender":"U"},"service_from":"2026-01-04"})";
  std::string d =
      R"({"claim_id":"D","payer_id":"P1","payer_name":"PLAN ONE","provider":{"npi":"1234567893","name":"DOC"},)"
      R"("subscriber":{"member_id":"M1","last_name":"ROE","first_name":"JO","dob":"1970-01-01","gender":"M"},)"
      R"("service_from":"2026-01-05"})";
  std::vector<claim_276> claims(4);
  REQUIRE(read_claim(a, "claim_id", claims[0]) == "");
  REQUIRE(read_claim(b, "claim_id", claims[1]) == "");
  REQUIRE(read_claim(c2, "claim_id", claims[2]) == "");
  REQUIRE(read_claim(d, "claim_id", claims[3]) == "");
  std::string out;
  write_interchange(out, sample_env(), 1, claims);
  CHECK(count(out, "HL*") == 10);  // 2 payers x (20, 21, 19) + 22 x3 + 23
  CHECK(count(out, "*20*1~") == 2);
  CHECK(count(out, "NM1*41*") == 2);
  CHECK(out.find("HL*4*3*22*0~\nDMG*D8*19700101*M~\nNM1*IL*1*ROE*JO****MI*M1~\nTRN*1*A~\nDTP*472*D8*20260102~\n"
                 "TRN*1*D~") != std::string::npos);
  CHECK(out.find(
            "HL*5*3*22*1~\nNM1*IL*1*ROE*JO****MI*M1~\nHL*6*5*23~\nDMG*D8*20150505*F~\nNM1*QC*1*ROE*KIT~\nTRN*1*B~") !=
        std::string::npos);
  CHECK(out.find("NM1*1P*2*DOC*****FI*123456789~") != std::string::npos);
  CHECK(out.find("NM1*IL*1*DOE*****MI*M2~") != std::string::npos);
  // SE01 counts ST through SE.
  std::size_t st = out.find("ST*276");
  std::size_t se = out.find("SE*");
  std::size_t segments = count(out.substr(st, se - st), "~\n") + 1;
  CHECK(out.find(fmt::format("SE*{}*0001~", segments)) != std::string::npos);
}

TEST_CASE("build_276: problems are named by field, never by value") {
  CHECK(problems_of(R"({"payer_id":"P1"})") ==
        "claim_id: missing; payer_name: missing; provider: missing; subscriber: missing; "
        "service_from: missing (needed unless every line has a service_date)");
  CHECK(
      problems_of(
          R"({"claim_id":"X1","payer_id":"P1","payer_name":"PLAN","provider":{"npi":"1234567890","name":"D"},)"
          R"("subscriber":{"member_id":"M1","last_name":"ROE","dob":"1970-02-30","gender":"X"},"service_from":"2026-01-01"})") ==
      "provider.npi: check digit is wrong; subscriber.dob: not a valid date (want YYYY-MM-DD); "
      "subscriber.gender: must be M, F or U");
  CHECK(
      problems_of(
          R"({"claim_id":"X*1","payer_id":"P1","payer_name":"PLAN~","provider":{"name":"D"},)"
          R"("subscriber":{"member_id":"M:1","last_name":"ROE^","dob":"1970-01-01","gender":"M"},"service_from":"2026-01-01",)"
          R"("billed_amount":"12.00"})") ==
      "claim_id: contains an X12 delimiter character (* : ^ ~); payer_name: contains an X12 delimiter character (* : ^ "
      "~); "
      "provider: needs npi or tax_id; subscriber.member_id: contains an X12 delimiter character (* : ^ ~); "
      "subscriber.last_name: contains an X12 delimiter character (* : ^ ~); billed_amount: must be a number");
  CHECK(
      problems_of(R"({"claim_id":"X1","payer_id":"P1","payer_name":"PLAN","provider":{"npi":"1234567893","name":"D"},)"
                  R"("subscriber":{"member_id":"M1","last_name":"ROE","dob":"1970-01-01","gender":"M"},)"
                  R"("service_from":"2026-01-05","service_to":"2026-01-04","billed_amount":-1,)"
                  R"("lines":[{"procedure":"99213","billed_amount":1e2,"units":0},{"modifiers":["2"]}]})") ==
      "service_to: before service_from; billed_amount: must not be negative; "
      "lines[0].billed_amount: must be written without an exponent; lines[0].units: must be greater than zero; "
      "lines[1]: needs procedure or revenue_code; lines[1].modifiers: must be an array of at most 4 two-character "
      "codes; "
      "lines[1].billed_amount: missing");
  CHECK(problems_of(
            R"({"claim_id":"X1","payer_id":"P1","payer_name":"PLAN","provider":{"npi":"1234567893","name":"D"},)"
            R"("subscriber":{"member_id":"M1","last_name":"ROE","first_name":"ANDRÉ","dob":"1970-01-01","gender":"M"},)"
            R"("service_from":"2026-01-05","bill_type":"0111"})") ==
        "subscriber.first_name: contains a character outside printable ASCII; bill_type: longer than 3 characters");
}

TEST_CASE("build_276: a dependent needs DMG data, the subscriber then does not") {
  CHECK(
      problems_of(
          R"({"claim_id":"X1","payer_id":"P1","payer_name":"PLAN","provider":{"npi":"1234567893","name":"D"},)"
          R"("subscriber":{"member_id":"M1","last_name":"ROE"},"patient":{"last_name":"ROE"},"service_from":"2026-01-01"})") ==
      "patient.dob: missing; patient.gender: missing");
}

TEST_CASE("build_276: line dates can stand in for the claim's") {
  CHECK(
      problems_of(R"({"claim_id":"X1","payer_id":"P1","payer_name":"PLAN","provider":{"npi":"1234567893","name":"D"},)"
                  R"("subscriber":{"member_id":"M1","last_name":"ROE","dob":"1970-01-01","gender":"M"},)"
                  R"("lines":[{"procedure":"99213","billed_amount":10,"service_date":"2026-01-01"}]})") == "");
}

TEST_CASE("build_276: --trace-field picks the TRN02 source") {
  std::string j =
      R"({"claim_id":"C1","patient_account_number":"PA-77","payer_id":"P1","payer_name":"PLAN",)"
      R"("provider":{"npi":"1234567893","name":"D"},)"
      R"("subscriber":{"member_id":"M1","last_name":"ROE","dob":"1970-01-01","gender":"M"},"service_from":"2026-01-01"})";
  claim_276 c;
  REQUIRE(read_claim(j, "patient_account_number", c) == "");
  CHECK(c.trace == "PA-77");
  CHECK(read_claim(j, "nonexistent", c) == "nonexistent: missing");
}

TEST_CASE("build_276: envelope settings are checked with the option to fix them") {
  envelope_settings env;
  auto p = check_envelope(env);
  REQUIRE(p.size() == 3);
  CHECK(p[0] == "sender id is required (--sender-id or [sender] id in the config file)");
  CHECK(p[1] == "receiver id is required (--receiver-id or [receiver] id in the config file)");
  env = sample_env();
  env.sender_id = "A*B";
  env.receiver_id = "THIS-ID-IS-TOO-LONG";
  p = check_envelope(env);
  REQUIRE(p.size() == 2);
  CHECK(p[0] == "sender id contains an X12 delimiter character (* : ^ ~)");
  CHECK(p[1] == "receiver id must be 1 to 15 characters");
}
