#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ndjson/reader.hpp"
#include "ndjson/value.hpp"

namespace claimkit::status {

/// True for a clearinghouse claim status answer (the claim status v2 shape
/// that Optum and Stedi publish): an object with "claims", "errorResponse"
/// or the 999 fields, and no "type".
bool is_vendor_response(const ndjson::record& rec);

/// What the request asked for; all empty when an answer is read on its own
/// (status-normalize), which leaves `matched` out.
struct vendor_request {
  std::string_view claim_id;         // sent as encounter.trackingNumber
  std::string_view patient_account;  // sent as encounter.patientAccountNumber
  std::string_view payer_claim_id;   // sent as encounter.tradingPartnerClaimNumber
  std::string_view api;              // "optum" / "stedi" (source.api)
  std::string_view control_number;   // sent controlNumber (when the answer has none)
};

/// One claims[] entry as a claim_status record (channel "api"), shaped like
/// one x12-parse writes from a 277: the same STC mapping.
struct vendor_claim {
  std::string record;   // one JSON object, no newline
  bool has_id = false;  // the entry (or the request, for a lone entry) named the claim
  bool matched = true;  // false: an entry that is not the claim asked for
};

/// The documented error shapes of an answer (errorResponse, errors[], the 999
/// fields, Stedi's exception body and warnings[]), reduced to the vendor's
/// codes and field names: descriptions and values may echo PHI and are left out.
struct vendor_errors {
  std::string summary;           // for stderr; empty when the answer carries no error
  std::string members;           // `"api_errors":[...]` for --errors and the record
  std::string warnings_summary;  // Stedi warnings[]: codes only
  std::string warning_members;   // `"api_warnings":[...]`
  bool any() const { return !summary.empty(); }
};
vendor_errors answer_errors(const std::vector<ndjson::member>& top);

/// Converts every claims[] entry: each with its own identity (trackingNumber,
/// else patientAccountNumber, else tradingPartnerClaimNumber); a lone entry
/// that names none takes the request's claim_id.
std::vector<vendor_claim> convert_answer(const std::vector<ndjson::member>& top, const vendor_request& req);

/// The claim_status record for the claim asked for when the answer carries
/// only errors: one status {category "E0"} (response not possible: error on
/// submitted request data), the codes in api_errors.
std::string error_record(const std::vector<ndjson::member>& top, const vendor_request& req, const vendor_errors& e);

/// status-normalize's vendor input. Throws ndjson::bad_record (kind
/// "api_error", with the codes) when the answer carries errors and no claims.
std::vector<vendor_claim> convert_vendor(const ndjson::record& rec);

}  // namespace claimkit::status
