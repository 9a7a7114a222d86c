#include "push/note.hpp"

#include <functional>
#include <vector>

#include "ndjson/value.hpp"
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

// What an ack or batch status is about, e.g. "999 R: 837 0002 in group 5120,
// 2 errors" or "batch A3/19 Rejected...: ... | trace T1 | accepted 2 (735.00)".
void event_parts(const claim_status& s, const std::function<void(std::string_view)>& part) {
  const batch_event& ev = s.event;
  if (s.type == "ack") {
    std::string what =
        ev.transaction_type.empty() ? (ev.level == "interchange" ? "TA1" : "ack") : clean(ev.transaction_type, 8);
    if (!ev.code.empty()) what += " " + clean(ev.code, 4);
    std::string subject;
    if (!ev.acknowledged_transaction.empty()) {
      subject = clean(ev.acknowledged_type.empty() ? "set" : ev.acknowledged_type, 8) + " " +
                clean(ev.acknowledged_transaction, 12);
      if (!ev.acknowledged_group.empty()) subject += " in group " + clean(ev.acknowledged_group, 12);
    } else if (!ev.acknowledged_group.empty()) {
      subject = "group " + clean(ev.acknowledged_group, 12);
    } else if (!ev.acknowledged_interchange.empty()) {
      subject = "interchange " + clean(ev.acknowledged_interchange, 12);
    }
    if (!subject.empty()) what += ": " + subject;
    if (!ev.errors.empty())
      what += ev.errors.size() == 1 ? ", 1 error" : ", " + std::to_string(ev.errors.size()) + " errors";
    part(what);
    return;
  }
  std::string what = "batch";
  if (const status_entry* d = s.deciding()) {
    what += " " + clean(d->category, 8);
    if (!d->code.empty()) what += "/" + clean(d->code, 8);
    std::string labels;
    if (!d->category_label.empty()) labels = clean(d->category_label, kLabelMax);
    if (!d->code_label.empty()) {
      if (!labels.empty()) labels += ": ";
      labels += clean(d->code_label, kLabelMax);
    }
    if (!labels.empty()) what += " " + labels;
  }
  part(what);
  if (!ev.trace.empty()) part("trace " + clean(ev.trace, 50));
  auto tally = [](std::string_view label, const std::string& count, const std::string& amount) {
    if (count.empty() && amount.empty()) return std::string();
    std::string t(label);
    if (!count.empty()) t += " " + clean(count, 12);
    if (!amount.empty()) t += " (" + clean(amount, 20) + ")";
    return t;
  };
  std::string counts = tally("accepted", ev.accepted_count, ev.accepted_amount);
  std::string rejected = tally("rejected", ev.rejected_count, ev.rejected_amount);
  if (!rejected.empty()) counts += counts.empty() ? rejected : ", " + rejected;
  part(counts);
}

// "line 2 HC:97110 denied: send_corrected_claim" for each line follow-up.
void followup_parts(const claim_status& s, const std::function<void(std::string_view)>& part) {
  std::string_view arr = line_followups_json(s);
  if (arr.empty()) return;
  std::vector<std::string_view> elems;
  ndjson::elements_of(arr, elems);
  std::vector<ndjson::member> ms;
  for (auto e : elems) {
    if (e.empty() || e.front() != '{') continue;
    ndjson::members_of(e, ms);
    auto text = [&](const char* k) {
      const ndjson::member* m = ndjson::find(ms, k);
      if (m == nullptr) return std::string();
      std::string v;
      if (m->kind == ndjson::kind::string) ndjson::unescape(m->value.substr(1, m->value.size() - 2), v);
      else if (m->kind == ndjson::kind::number) v = m->value;
      return v;
    };
    std::string line = "line " + clean(text("line_id"), 12);
    std::string proc = text("procedure");
    if (!proc.empty()) line += " " + clean(proc, 20);
    line += " " + clean(text("state"), 32) + ": " + clean(text("action"), kLabelMax);
    part(line);
  }
}

}  // namespace

std::string_view line_followups_json(const claim_status& s) {
  // Found by parse_record: no second scan of the record per ledger write of
  // a record carrying line_followups (the reader's scan of one record costs
  // ~13,000 instructions: callgrind, pm-push --to sqlite, 5,000 statuses).
  if (s.line_followups_scanned) return std::string_view(s.record).substr(s.line_followups_at, s.line_followups_size);
  if (s.record.find("\"line_followups\"") == std::string::npos) return {};
  std::vector<ndjson::member> ms;
  ndjson::members_of(s.record, ms);
  const ndjson::member* m = ndjson::find(ms, "line_followups");
  if (m == nullptr || m->kind != ndjson::kind::array || m->value.size() <= 2) return {};
  return m->value;
}

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
  if (s.is_event()) {
    event_parts(s, part);
  } else if (const status_entry* d = s.deciding()) {
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
  followup_parts(s, part);
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
