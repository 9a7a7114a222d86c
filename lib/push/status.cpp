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

std::vector<std::string_view> elements(const members& ms, std::string_view key) {
  std::vector<std::string_view> out;
  const json::member* m = json::find(ms, key);
  if (m != nullptr && m->kind == json::kind::array) json::elements_of(m->value, out);
  return out;
}

// Counts and positions are numbers by contract; a string is kept as well.
std::string number_of(const members& ms, std::string_view key) { return amount_of(ms, key); }

void parse_statuses(const members& top, claim_status& out) {
  members em;
  for (std::string_view e : elements(top, "statuses")) {
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
  if (!out.statuses.empty()) out.effective_date = out.statuses.front().effective_date;
  if (out.effective_date.empty()) out.effective_date = text_of(top, "effective_date");
}

void parse_source(const members& top, claim_status& out) {
  members src = object_of(top, "source");
  out.channel = text_of(src, "channel");
  out.source_file = text_of(src, "file");
  out.interchange = text_of(src, "interchange");
  out.group = text_of(src, "group");
  out.transaction = text_of(src, "transaction");
  out.event.transaction_type = text_of(src, "transaction_type");
  out.event.segment = number_of(src, "segment");
}

void parse_event(const members& top, claim_status& out) {
  batch_event& ev = out.event;
  ev.level = text_of(top, "level");
  if (ev.level.empty()) {
    throw ndjson::bad_record{"missing_field", out.type == "ack" ? "ack without level" : "batch_status without level"};
  }
  out.state = text_of(top, "state");
  out.action = text_of(top, "action");
  out.queue = text_of(top, "queue");
  out.reason = text_of(top, "reason");
  out.payer_id = text_of(object_of(top, "payer"), "id");
  if (const json::member* a = json::find(top, "accepted"); a != nullptr && a->kind == json::kind::boolean) {
    ev.accepted.assign(1, a->value == "true" ? '1' : '0');
  }
  ev.code = text_of(top, "code");
  ev.note_code = text_of(top, "note_code");
  members ack = object_of(top, "acknowledged");
  ev.acknowledged_interchange = text_of(ack, "interchange");
  ev.acknowledged_group = text_of(ack, "group");
  ev.acknowledged_transaction = text_of(ack, "transaction");
  ev.acknowledged_type = text_of(ack, "transaction_type");
  members em;
  for (std::string_view e : elements(top, "errors")) {
    if (e.empty() || e.front() != '{') continue;
    em.clear();
    json::members_of(e, em);
    ev.errors.push_back({text_of(em, "segment_id"), number_of(em, "segment_position"),
                         number_of(em, "element_position"), text_of(em, "code")});
  }
  for (std::string_view e : elements(top, "syntax_errors")) {
    if (e.size() < 2 || e.front() != '"') continue;
    std::string code;
    json::unescape(e.substr(1, e.size() - 2), code);
    ev.syntax_errors.push_back(std::move(code));
  }
  ev.trace = text_of(top, "trace");
  ev.receiver_id = text_of(object_of(top, "receiver"), "id");
  ev.provider_id = text_of(object_of(top, "provider"), "id");
  ev.accepted_count = number_of(top, "accepted_count");
  ev.rejected_count = number_of(top, "rejected_count");
  ev.accepted_amount = amount_of(top, "accepted_amount");
  ev.rejected_amount = amount_of(top, "rejected_amount");
  parse_statuses(top, out);
  parse_source(top, out);
}

}  // namespace

void parse_record(const ndjson::record& rec, claim_status& out) {
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
  if (type == "ack" || type == "batch_status") {
    out.type = std::move(type);
    out.record = std::string(text);
    parse_event(top, out);
    return;
  }
  if (type != "claim_status") {
    throw ndjson::bad_record{"not_a_status", type.empty() ? "record has no type; expected claim_status, ack or batch_status"
                                                          : "not a claim_status, ack or batch_status record"};
  }
  out.type = std::move(type);
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
  out.checked_by = text_of(top, "checked_by");
  out.text = text_of(top, "text");
  out.billed_amount = amount_of(top, "billed_amount");
  out.paid_amount = amount_of(top, "paid_amount");
  out.submitted_date = text_of(top, "submitted_date");
  if (const json::member* m = json::find(top, "incomplete"); m != nullptr && m->kind == json::kind::boolean) {
    out.incomplete = m->value == "true";
  }
  parse_source(top, out);
  parse_statuses(top, out);
}

}  // namespace claimkit::push
