#pragma once

#include <cstdint>
#include <ctime>
#include <string>
#include <string_view>
#include <vector>

#include "ndjson/value.hpp"

namespace claimkit::query {

/// Who sends the 276 and to whom: ISA/GS identities and the information
/// receiver (NM1*41) named in every transaction.
struct envelope_settings {
  std::string sender_id;                  // ISA06
  std::string sender_qualifier = "ZZ";    // ISA05
  std::string receiver_id;                // ISA08
  std::string receiver_qualifier = "ZZ";  // ISA07
  std::string sender_application_code;    // GS02; empty: sender_id
  std::string receiver_application_code;  // GS03; empty: receiver_id
  std::string info_receiver_name;         // NM1*41 NM103
  std::string info_receiver_id;           // NM1*41 NM109 (ETIN, qualifier 46); empty: sender_id
  bool test = false;                      // ISA15 T instead of P
  std::time_t timestamp = 0;              // ISA09/10, GS04/05, BHT04/05 (UTC)
};

/// Checks the settings; returns the problems (empty when usable). The
/// messages name options and config keys, never values.
std::vector<std::string> check_envelope(const envelope_settings& env);

struct person_276 {
  std::string member_id, first_name, last_name, dob, gender;  // dob YYYY-MM-DD
};

struct line_276 {
  std::string line_id;                 // REF*FJ
  std::string procedure;               // SVC01-2
  std::string procedure_qualifier;     // SVC01-1; empty: HC (or NU for a revenue code alone)
  std::vector<std::string> modifiers;  // SVC01-3..6
  std::string billed_amount;           // SVC02, X12 decimal text
  std::string revenue_code;            // SVC04
  std::string units;                   // SVC07, X12 decimal text
  std::string service_date;            // DTP*472 D8
};

/// One claim as the 276 carries it, validated and ready to write.
struct claim_276 {
  std::string trace;  // TRN02
  std::string payer_id, payer_name;
  std::string provider_npi, provider_tax_id, provider_name;
  person_276 subscriber;
  bool has_patient = false;
  person_276 patient;
  std::string service_from, service_to;  // YYYY-MM-DD
  std::string billed_amount;             // AMT*T3, X12 decimal text
  std::string payer_claim_id;            // REF*1K
  std::string bill_type;                 // REF*BLT
  std::string patient_account_number;    // REF*EJ
  std::vector<line_276> lines;
};

/// Reads and validates one `claim` record (its top-level members). The
/// trace (TRN02) is the string field named trace_field, normally claim_id.
/// Returns an empty string when the claim can be written, else one message
/// listing every problem by field name ("provider.npi: check digit is
/// wrong; service_from: missing"), never quoting a value.
std::string read_claim(const std::vector<ndjson::member>& members, std::string_view trace_field, claim_276& out);
/// Same, from the text of one JSON object; for tests.
std::string read_claim(std::string_view object_text, std::string_view trace_field, claim_276& out);

/// Appends one interchange (ISA..IEA, one GS and one ST) holding claims, in
/// the HL hierarchy 20 payer -> 21 information receiver -> 19 provider ->
/// 22 subscriber -> 23 dependent. Claims are grouped under the first
/// occurrence of their payer, provider, subscriber and patient. ISA13, GS06,
/// ST02 and BHT03 come from control. Segments end in "~\n".
void write_interchange(std::string& out, const envelope_settings& env, std::uint64_t control,
                       const std::vector<claim_276>& claims);

/// "YYYY-MM-DD" naming a real calendar day.
bool is_date(std::string_view s);

}  // namespace claimkit::query
