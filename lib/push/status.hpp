#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ndjson/reader.hpp"

namespace claimkit::push {

/// One status entry of a claim_status record, decoded.
struct status_entry {
  std::string category, code, entity, effective_date;
  std::string category_label, code_label, entity_label;
};

/// What pm-push needs from one normalized claim_status record. Amounts are
/// kept as the record's raw number text so they reach the ledger unchanged.
struct claim_status {
  std::string claim_id, payer_id, payer_claim_id;
  std::string state, action, queue, reason;
  std::vector<status_entry> statuses;
  std::string effective_date;  // the first status entry's
  std::string channel, source_file, interchange, group, transaction;
  std::string reference, text;
  std::string billed_amount, paid_amount, submitted_date;
  std::string record;  // the record's JSON text as read (unwrapped from a reject)

  /// The entry that decides the state: the first one (the current STC).
  const status_entry* deciding() const { return statuses.empty() ? nullptr : &statuses.front(); }
};

/// Decodes rec into out. A reject line written by pm-push (or any tool's
/// --errors line) carrying the original under "record" is unwrapped, so a
/// rejects file can be fed back as input. Throws ndjson::bad_record when the
/// record is not a claim_status with claim_id and state.
void parse_claim_status(const ndjson::record& rec, claim_status& out);

}  // namespace claimkit::push
