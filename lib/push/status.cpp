#include "push/status.hpp"

#include "json/scan.hpp"

namespace claimkit::push {
namespace {

using members = std::vector<json::member>;

std::string text_of(const members& ms, std::string_view key) {
  const json::member* m = json::find(ms, key);
  if (m == nullptr || m->kind != json::kind::string) return {};
  std::string out;
  json::unescape(m->value.substr(1, m->value.size() - 2), out);
  return out;
}

// Amounts are numbers by contract, but a string amount is kept rather than lost.
std::string amount_of(const members& ms, std::string_view key) {
  const json::member* m = json::find(ms, key);
  if (m == nullptr) return {};
  if (m->kind == json::kind::number) return std::string(m->value);
  if (m->kind == json::kind::string) return text_of(ms, key);
  return {};
}

members object_of(const members& ms, std::string_view key) {
  members out;
  const json::member* m = json::find(ms, key);
  if (m != nullptr && m->kind == json::kind::object) json::members_of(m->value, out);
  return out;
}

}  // namespace

void parse_claim_status(const ndjson::record& rec, claim_status& out) {
  out = claim_status{};
  members top = rec.members;
  std::string_view text = rec.text;
  std::string type = text_of(top, "type");
  if (type == "error") {
    const json::member* inner = json::find(top, "record");
    if (inner == nullptr || inner->kind != json::kind::object) {
      throw ndjson::bad_record{"not_a_status", "reject line without the original record"};
    }
    text = inner->value;
    members m;
    json::members_of(text, m);
    top = std::move(m);
    type = text_of(top, "type");
  }
  if (type != "claim_status") {
    throw ndjson::bad_record{"not_a_status", type.empty() ? "record has no type; expected claim_status"
                                                          : "not a claim_status record"};
  }
  out.record = std::string(text);
  out.claim_id = text_of(top, "claim_id");
  if (out.claim_id.empty()) throw ndjson::bad_record{"missing_field", "claim_status without claim_id"};
  out.state = text_of(top, "state");
  if (out.state.empty()) {
    throw ndjson::bad_record{"missing_field", "claim_status without state (run status-normalize first)"};
  }
  out.payer_claim_id = text_of(top, "payer_claim_id");
  out.payer_id = text_of(object_of(top, "payer"), "id");
  if (out.payer_id.empty()) out.payer_id = text_of(top, "payer_id");
  out.action = text_of(top, "action");
  out.queue = text_of(top, "queue");
  out.reason = text_of(top, "reason");
  out.reference = text_of(top, "reference");
  out.text = text_of(top, "text");
  out.billed_amount = amount_of(top, "billed_amount");
  out.paid_amount = amount_of(top, "paid_amount");
  out.submitted_date = text_of(top, "submitted_date");

  members src = object_of(top, "source");
  out.channel = text_of(src, "channel");
  out.source_file = text_of(src, "file");
  out.interchange = text_of(src, "interchange");
  out.group = text_of(src, "group");
  out.transaction = text_of(src, "transaction");

  const json::member* st = json::find(top, "statuses");
  if (st != nullptr && st->kind == json::kind::array) {
    std::vector<std::string_view> elems;
    json::elements_of(st->value, elems);
    members em;
    for (std::string_view e : elems) {
      if (e.empty() || e.front() != '{') continue;
      em.clear();
      json::members_of(e, em);
      status_entry s;
      s.category = text_of(em, "category");
      s.code = text_of(em, "code");
      s.entity = text_of(em, "entity");
      s.effective_date = text_of(em, "effective_date");
      s.category_label = text_of(em, "category_label");
      s.code_label = text_of(em, "code_label");
      s.entity_label = text_of(em, "entity_label");
      // The first entry carries the amounts; a claim-level paid amount wins.
      if (out.statuses.empty() && out.paid_amount.empty()) out.paid_amount = amount_of(em, "paid_amount");
      out.statuses.push_back(std::move(s));
    }
  }
  if (!out.statuses.empty()) out.effective_date = out.statuses.front().effective_date;
  if (out.effective_date.empty()) out.effective_date = text_of(top, "effective_date");
}

}  // namespace claimkit::push
