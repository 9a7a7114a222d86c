#include "ledger/precedence.hpp"

#include "dates/instant.hpp"

namespace claimkit::ledger {

bool is_strong(const evidence& e) { return !e.category.empty() && e.state != "unknown" && !e.incomplete; }

precedence decide(const evidence& current, const evidence& incoming) {
  if (is_strong(current) && !is_strong(incoming)) return precedence::weaker;
  // Times as instants (dates/instant: a bare date is 00:00:00Z, offsets
  // honoured, a timestamp without an offset unreadable).
  dates::instant now, then;
  if (dates::parse_instant(current.effective, now) && dates::parse_instant(incoming.effective, then) && then < now) {
    return precedence::older;
  }
  return precedence::replaces;
}

std::string_view to_string(precedence p) {
  switch (p) {
    case precedence::weaker: return "weaker";
    case precedence::older: return "older";
    case precedence::replaces: break;
  }
  return {};
}

}  // namespace claimkit::ledger
