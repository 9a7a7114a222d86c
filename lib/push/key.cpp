#include "push/key.hpp"

#include "push/sha256.hpp"

namespace claimkit::push {
namespace {

// Separators that cannot occur in decoded JSON strings of sane records and
// keep "a|b" + "c" distinct from "a" + "b|c".
constexpr char kField = '\x1e';
constexpr char kUnit = '\x1f';
constexpr char kEntry = '\x1d';

}  // namespace

std::string idempotency_key(std::string_view target_identity, const claim_status& s) {
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
