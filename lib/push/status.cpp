#include "push/status.hpp"

#include "ndjson/value.hpp"

namespace claimkit::push {
namespace {

using members = std::vector<ndjson::member>;

std::string text_of(const members& ms, std::string_view key) {
  const ndjson::member* m = ndjson::find(ms, key);
  if (m == nullptr || m->kind != ndjson::kind::string) return {};
  std::string out;
  ndjson::unescape(m->value.substr(1, m->value.size() - 2), out);
  return out;
}

// Amounts are numbers by contract, but a string amount is kept rather than lost.
std::string amount_of(const members& ms, std::string_view key) {
  const ndjson::member* m = ndjson::find(ms, key);
  if (m == nullptr) return {};
  if (m->kind == ndjson::kind::number) return std::string(m->value);
  if (m->kind == ndjson::kind::string) return text_of(ms, key);
  return {};
}

members object_of(const members& ms, std::string_view key, const ndjson::document* doc) {
  members out;
  const ndjson::member* m = ndjson::find(ms, key);
  if (m != nullptr && m->kind == ndjson::kind::object) ndjson::members_of(m->value, out, doc);
  return out;
}

std::vector<std::string_view> elements(const members& ms, std::string_view key, const ndjson::document* doc) {
  std::vector<std::string_view> out;
  const ndjson::member* m = ndjson::find(ms, key);
  if (m != nullptr && m->kind == ndjson::kind::array) ndjson::elements_of(m->value, out, doc);
  return out;
}

// Counts and positions are numbers by contract; a string is kept as well.
std::string number_of(const members& ms, std::string_view key) { return amount_of(ms, key); }

void parse_statuses(const members& top, claim_status& out, const ndjson::document* doc) {
  members em;
  for (std::string_view e : elements(top, "statuses", doc)) {
    if (e.empty() || e.front() != '{') continue;
    em.clear();
    ndjson::members_of(e, em, doc);
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

void parse_source(const members& top, claim_status& out, const ndjson::document* doc) {
  members src = object_of(top, "source", doc);
  out.channel = text_of(src, "channel");
  out.source_file = text_of(src, "file");
  out.interchange = text_of(src, "interchange");
  out.group = text_of(src, "group");
  out.transaction = text_of(src, "transaction");
  out.event.transaction_type = text_of(src, "transaction_type");
  out.event.segment = number_of(src, "segment");
}

void parse_event(const members& top, claim_status& out, const ndjson::document* doc) {
  batch_event& ev = out.event;
  ev.level = text_of(top, "level");
  if (ev.level.empty()) {
    throw ndjson::bad_record{"missing_field", out.type == "ack" ? "ack without level" : "batch_status without level"};
  }
  out.state = text_of(top, "state");
  out.action = text_of(top, "action");
  out.queue = text_of(top, "queue");
  out.reason = text_of(top, "reason");
  out.payer_id = text_of(object_of(top, "payer", doc), "id");
  if (const ndjson::member* a = ndjson::find(top, "accepted"); a != nullptr && a->kind == ndjson::kind::boolean) {
    ev.accepted.assign(1, a->value == "true" ? '1' : '0');
  }
  ev.code = text_of(top, "code");
  ev.note_code = text_of(top, "note_code");
  members ack = object_of(top, "acknowledged", doc);
  ev.acknowledged_interchange = text_of(ack, "interchange");
  ev.acknowledged_group = text_of(ack, "group");
  ev.acknowledged_transaction = text_of(ack, "transaction");
  ev.acknowledged_type = text_of(ack, "transaction_type");
  members em;
  for (std::string_view e : elements(top, "errors", doc)) {
    if (e.empty() || e.front() != '{') continue;
    em.clear();
    ndjson::members_of(e, em, doc);
    ev.errors.push_back({text_of(em, "segment_id"), number_of(em, "segment_position"),
                         number_of(em, "element_position"), text_of(em, "code")});
  }
  for (std::string_view e : elements(top, "syntax_errors", doc)) {
    if (e.size() < 2 || e.front() != '"') continue;
    std::string code;
    ndjson::unescape(e.substr(1, e.size() - 2), code);
    ev.syntax_errors.push_back(std::move(code));
  }
  ev.trace = text_of(top, "trace");
  ev.receiver_id = text_of(object_of(top, "receiver", doc), "id");
  ev.provider_id = text_of(object_of(top, "provider", doc), "id");
  ev.accepted_count = number_of(top, "accepted_count");
  ev.rejected_count = number_of(top, "rejected_count");
  ev.accepted_amount = amount_of(top, "accepted_amount");
  ev.rejected_amount = amount_of(top, "rejected_amount");
  parse_statuses(top, out, doc);
  parse_source(top, out, doc);
}

}  // namespace

void parse_record(const ndjson::record& rec, claim_status& out) {
  out = claim_status{};
  // The reader's members as they are (a copy was one malloc and ~30 member
  // copies per record); a reject line's inner record gets a vector of its own.
  // The record's index lists nested objects and arrays without parsing again.
  const ndjson::document* doc = rec.doc;
  const members* topp = &rec.members;
  members inner_members;
  std::string_view text = rec.text;
  std::string type = text_of(*topp, "type");
  if (type == "error") {
    const ndjson::member* inner = ndjson::find(*topp, "record");
    if (inner == nullptr || inner->kind != ndjson::kind::object) {
      throw ndjson::bad_record{"not_a_status", "reject line without the original record"};
    }
    text = inner->value;
    ndjson::members_of(text, inner_members, doc);
    topp = &inner_members;
    type = text_of(*topp, "type");
  }
  const members& top = *topp;
  if (type == "ack" || type == "batch_status") {
    out.type = std::move(type);
    out.record = std::string(text);
    parse_event(top, out, doc);
    return;
  }
  if (type != "claim_status") {
    throw ndjson::bad_record{"not_a_status", type.empty()
                                                 ? "record has no type; expected claim_status, ack or batch_status"
                                                 : "not a claim_status, ack or batch_status record"};
  }
  out.type = std::move(type);
  out.record = std::string(text);
  out.line_followups_scanned = true;
  if (const ndjson::member* m = ndjson::find(top, "line_followups");
      m != nullptr && m->kind == ndjson::kind::array && m->value.size() > 2) {
    out.line_followups_at = static_cast<std::size_t>(m->value.data() - text.data());
    out.line_followups_size = m->value.size();
  }
  out.claim_id = text_of(top, "claim_id");
  if (out.claim_id.empty()) throw ndjson::bad_record{"missing_field", "claim_status without claim_id"};
  out.state = text_of(top, "state");
  if (out.state.empty()) {
    throw ndjson::bad_record{"missing_field", "claim_status without state (run status-normalize first)"};
  }
  out.payer_claim_id = text_of(top, "payer_claim_id");
  out.payer_id = text_of(object_of(top, "payer", doc), "id");
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
  if (const ndjson::member* m = ndjson::find(top, "incomplete"); m != nullptr && m->kind == ndjson::kind::boolean) {
    out.incomplete = m->value == "true";
  }
  parse_source(top, out, doc);
  parse_statuses(top, out, doc);
}

}  // namespace claimkit::push
