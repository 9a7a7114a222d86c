#pragma once

#include <string>
#include <vector>

#include "ndjson/reader.hpp"

namespace claimkit::status {

/// True for a clearinghouse claim status response (the v2 shape shared by
/// Optum/Change Healthcare and Stedi): an object with "claims" and no "type".
bool is_vendor_response(const ndjson::record& rec);

/// One claim of a vendor response as a claim_status record (channel "api"),
/// shaped exactly like one x12-parse writes from a 277.
struct vendor_claim {
  std::string record;   // one JSON object, no newline
  bool has_id = false;  // trackingNumber or patientAccountNumber was present
};

/// Converts every claims[] entry. Response-level payer, provider, subscriber
/// and dependent go into each claim. Vendor-only fields are not carried over.
std::vector<vendor_claim> convert_vendor(const ndjson::record& rec);

}  // namespace claimkit::status
