#include "push/note.hpp"

#include "push/key.hpp"

namespace claimkit::push {
namespace {

constexpr std::size_t kLabelMax = 60;
constexpr std::size_t kTextMax = 120;

// Cuts at a character boundary (never inside a UTF-8 sequence) and flattens
// control characters, so the note is one valid line.
std::string clean(std::string_view v, std::size_t max) {
  std::string out;
  for (char ch : v) {
    auto u = static_cast<unsigned char>(ch);
    out.push_back(u < 0x20 || u == 0x7f ? ' ' : ch);
  }
  if (out.size() > max) {
    std::size_t cut = max;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
    out.resize(cut);
    out += "...";
  }
  return out;
}

}  // namespace

std::string note_text(const claim_status& s, std::string_view key) {
  std::string n;
  auto part = [&n](std::string_view v) {
    if (v.empty()) return;
    if (!n.empty()) n += " | ";
    n += v;
  };
  std::string head = s.effective_date.empty() ? "undated" : s.effective_date;
  if (!s.channel.empty()) head += " " + clean(s.channel, 16);
  part(head);
  part(clean(s.state, 32));
  if (const status_entry* d = s.deciding()) {
    std::string codes = clean(d->category, 8);
    if (!d->code.empty()) codes += "/" + clean(d->code, 8);
    std::string labels;
    if (!d->category_label.empty()) labels = clean(d->category_label, kLabelMax);
    if (!d->code_label.empty()) {
      if (!labels.empty()) labels += ": ";
      labels += clean(d->code_label, kLabelMax);
    }
    if (!labels.empty()) codes += " " + labels;
    part(codes);
  } else if (!s.text.empty()) {
    part("said: " + clean(s.text, kTextMax));
  }
  if (!s.payer_claim_id.empty()) part("payer claim " + clean(s.payer_claim_id, 40));
  if (!s.paid_amount.empty()) part("paid " + clean(s.paid_amount, 20));
  if (!s.reference.empty()) part("ref " + clean(s.reference, 40));
  if (!s.action.empty()) part("next: " + clean(s.action, kLabelMax));
  if (!s.queue.empty()) part("queue: " + clean(s.queue, 40));
  part("[claimkit " + std::string(key) + "]");
  return n;
}

std::string_view note_marker_key(std::string_view note) {
  constexpr std::string_view kOpen = "[claimkit ";
  std::size_t at = note.rfind(kOpen);
  if (at == std::string_view::npos) return {};
  std::string_view rest = note.substr(at + kOpen.size());
  std::size_t close = rest.find(']');
  if (close == std::string_view::npos) return {};
  std::string_view k = rest.substr(0, close);
  return is_key(k) ? k : std::string_view();
}

}  // namespace claimkit::push
