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

/// One error of an ack (IK3/IK4 or AK3/AK4), kept for the key and the note.
struct ack_error {
  std::string segment_id, segment_position, element_position, code;
};

/// What an ack or batch_status record says beyond the fields it shares with
/// a claim_status (state, statuses, source). These have no claim: they are
/// about a whole file, group or transaction set.
struct batch_event {
  std::string level;      // transaction | group | interchange; information_receiver | provider
  std::string accepted;   // ack: "1" or "0"; empty when absent
  std::string code;       // ack: IK501 / AK901 / TA104
  std::string note_code;  // TA1: TA105
  std::string acknowledged_interchange, acknowledged_group, acknowledged_transaction, acknowledged_type;
  std::vector<ack_error> errors;
  std::vector<std::string> syntax_errors;
  std::string trace, receiver_id, provider_id;
  std::string accepted_count, rejected_count, accepted_amount, rejected_amount;
  std::string transaction_type, segment;  // of the source (999, 277CA, ...)
};

/// What pm-push needs from one normalized record. Amounts are kept as the
/// record's raw number text so they reach the ledger unchanged.
///
/// Most records are claim_status; an ack (999 / 997 / TA1) or a batch_status
/// (277CA receiver or provider level) uses the shared fields that apply and
/// `event` for the rest, and has no claim_id.
struct claim_status {
  std::string type;  // claim_status, ack or batch_status
  std::string claim_id, payer_id, payer_claim_id;
  std::string state, action, queue, reason;
  std::vector<status_entry> statuses;
  std::string effective_date;  // the first status entry's
  std::string channel, source_file, interchange, group, transaction;
  std::string reference, text;
  std::string checked_by;  // portal / phone captures: who made the call
  std::string billed_amount, paid_amount, submitted_date;
  bool incomplete = false;  // `incomplete: true`: from a cut-off transaction
  std::string record;       // the record's JSON text as read (unwrapped from a reject)
  // Where record's line_followups array is, found while parse_record has the
  // members at hand (offset, length; length 0: none or empty), so the ledger
  // write does not parse the record a second time. Unset (scanned false) in
  // a claim_status not made by parse_record: line_followups_json parses.
  bool line_followups_scanned = false;
  std::size_t line_followups_at = 0, line_followups_size = 0;
  batch_event event;  // ack and batch_status only

  /// The entry that decides the state: the first one (the current STC).
  const status_entry* deciding() const { return statuses.empty() ? nullptr : &statuses.front(); }
  /// True for an ack or batch_status: about a batch, not one claim.
  bool is_event() const { return type == "ack" || type == "batch_status"; }
};

/// Decodes rec into out: a claim_status (claim_id and state required), an
/// ack or a batch_status (level required; state optional). A reject line
/// written by pm-push (or any tool's --errors line) carrying the original
/// under "record" is unwrapped, so a rejects file can be fed back as input.
/// Throws ndjson::bad_record for anything else.
void parse_record(const ndjson::record& rec, claim_status& out);

}  // namespace claimkit::push
