#include "push/key.hpp"

#include "push/sha256.hpp"

namespace claimkit::push {
namespace {

// Separators that cannot occur in decoded JSON strings of sane records and
// keep "a|b" + "c" distinct from "a" + "b|c".
constexpr char kField = '\x1e';
constexpr char kUnit = '\x1f';
constexpr char kEntry = '\x1d';

// An ack or batch_status has no claim to tell two apart, so its key takes
// every control number and code it carries, and the file: two files are two
// events even when a sender restarts its control numbers.
std::string event_key(std::string_view target_identity, const claim_status& s) {
  const batch_event& ev = s.event;
  std::string c = "claimkit-push-event-v1";
  auto add = [&c](std::string_view v) {
    c.push_back(kField);
    c.append(v);
  };
  for (std::string_view v : {std::string_view(target_identity),
                             std::string_view(s.type),
                             std::string_view(ev.level),
                             std::string_view(s.channel),
                             std::string_view(s.source_file),
                             std::string_view(s.interchange),
                             std::string_view(s.group),
                             std::string_view(s.transaction),
                             std::string_view(ev.transaction_type),
                             std::string_view(ev.segment),
                             std::string_view(ev.acknowledged_interchange),
                             std::string_view(ev.acknowledged_group),
                             std::string_view(ev.acknowledged_transaction),
                             std::string_view(ev.acknowledged_type),
                             std::string_view(ev.accepted),
                             std::string_view(ev.code),
                             std::string_view(ev.note_code),
                             std::string_view(ev.trace),
                             std::string_view(s.payer_id),
                             std::string_view(ev.receiver_id),
                             std::string_view(ev.provider_id)}) {
    add(v);
  }
  c.push_back(kField);
  for (const auto& e : ev.errors) {
    for (std::string_view v : {e.segment_id, e.segment_position, e.element_position, e.code}) {
      c.append(v);
      c.push_back(kUnit);
    }
    c.push_back(kEntry);
  }
  c.push_back(kField);
  for (const auto& v : ev.syntax_errors) {
    c.append(v);
    c.push_back(kEntry);
  }
  c.push_back(kField);
  for (const auto& e : s.statuses) {
    for (std::string_view v : {e.category, e.code, e.entity, e.effective_date}) {
      c.append(v);
      c.push_back(kUnit);
    }
    c.push_back(kEntry);
  }
  return "ck1-" + sha256_hex(c, 16);
}

}  // namespace

std::string idempotency_key(std::string_view target_identity, const claim_status& s) {
  if (s.is_event()) return event_key(target_identity, s);
  std::string c = "claimkit-push-v1";
  auto add = [&c](std::string_view v) {
    c.push_back(kField);
    c.append(v);
  };
  add(target_identity);
  add(s.claim_id);
  add(s.payer_claim_id);
  c.push_back(kField);
  for (const auto& e : s.statuses) {
    c.append(e.category);
    c.push_back(kUnit);
    c.append(e.code);
    c.push_back(kUnit);
    c.append(e.entity);
    c.push_back(kUnit);
    c.append(e.effective_date);
    c.push_back(kEntry);
  }
  add(s.effective_date);
  add(s.channel);
  add(s.interchange);
  add(s.group);
  add(s.transaction);
  add(s.reference);
  // Portal and phone captures may carry no codes: what was said is the status.
  add(s.statuses.empty() ? std::string_view(s.text) : std::string_view());
  // A status from a cut-off transaction is a different write from the same
  // status read again from the complete file, which must not be a duplicate
  // of it. Only when set, so every other key stays as it was.
  if (s.incomplete) add("incomplete");
  return "ck1-" + sha256_hex(c, 16);
}

bool is_key(std::string_view text) {
  if (text.size() != 36 || text.substr(0, 4) != "ck1-") return false;
  for (char ch : text.substr(4)) {
    if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f'))) return false;
  }
  return true;
}

}  // namespace claimkit::push
