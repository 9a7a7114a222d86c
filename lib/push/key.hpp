#pragma once

#include <string>
#include <string_view>

#include "push/status.hpp"

namespace claimkit::push {

/// The record's idempotency key: "ck1-" and 32 hex digits of SHA-256 over the
/// target identity, claim id, payer claim number, status codes, effective
/// date and source control numbers, and whether the record is incomplete
/// (from a cut-off transaction). The same status pushed to the same target
/// always gets the same key, whichever file or run it comes from; the ledger,
/// the journal, the Idempotency-Key header and the note marker all use it.
/// An ack or batch_status is keyed over its type, level, source file and
/// control numbers, acknowledged control numbers and codes instead.
std::string idempotency_key(std::string_view target_identity, const claim_status& s);

/// True when text looks like a key (used to find a note's marker).
bool is_key(std::string_view text);

}  // namespace claimkit::push
