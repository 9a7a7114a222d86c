#pragma once

#include <string_view>

namespace claimkit::ledger {

/// What a status says about a claim, as far as precedence goes: the claim's
/// current status on file, or a newcomer about to be recorded.
struct evidence {
  std::string_view state;      // status-normalize state
  std::string_view category;   // the deciding status entry's category; empty: no coded status
  std::string_view effective;  // effective time as written (date or RFC 3339); empty: none
  bool incomplete = false;     // from a cut-off transaction (x12-parse `incomplete`)
};

/// How a newcomer stands against the current status.
///  replaces: it becomes the claim's current status;
///  weaker:   a weak record (no coded status, state unknown, incomplete) over a strong one;
///  older:    its effective time is before the current one's.
enum class precedence { replaces, weaker, older };

/// Strong evidence: a coded status (a status entry with a category) whose
/// state is known, from a complete transaction.
bool is_strong(const evidence& e);

/// The one precedence rule of the kit, for every store that keeps a current
/// status (the sqlite ledger; claim-age follows it too):
///  1. a weak record never replaces a strong current status;
///  2. an older effective time never replaces a newer one (compared as
///     instants; when either side has no readable time, time does not decide);
///  3. otherwise, ties included, the newcomer replaces the current status.
/// A newcomer that does not replace is still kept in the history, flagged.
precedence decide(const evidence& current, const evidence& incoming);

/// A short reason for the history and the push_result message ("weaker",
/// "older"; empty for replaces).
std::string_view to_string(precedence p);

}  // namespace claimkit::ledger
