#pragma once

#include <string>
#include <string_view>

#include "push/status.hpp"

namespace claimkit::push {

/// The one-line claim note written to PM systems, fields in a fixed order and
/// separated by " | " so a biller reads it at a glance:
///
///   2026-03-02 x12 | denied | F2/88 Finalized/Denial: Charges exceed ... |
///   payer claim 0516 | paid 0.00 | ref R-1 | next: appeal | queue: denials |
///   [claimkit ck1-...]
///
/// Absent parts are left out; the marker is always last. Control characters
/// become spaces and labels are cut so the note stays short.
std::string note_text(const claim_status& s, std::string_view key);

/// The record's line_followups array (status-normalize) as JSON text; empty
/// when it has none.
std::string_view line_followups_json(const claim_status& s);

/// The key in a note's trailing marker; empty when there is none.
std::string_view note_marker_key(std::string_view note);

}  // namespace claimkit::push
