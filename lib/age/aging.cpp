#include "age/aging.hpp"

#include <charconv>

#include <fmt/format.h>

#include "dates/instant.hpp"
#include "json/writer.hpp"
#include "ndjson/value.hpp"

namespace claimkit::age {
namespace {

std::string_view inner(const ndjson::member& m) { return m.value.substr(1, m.value.size() - 2); }

// The string value of a member (escapes decoded into scratch when needed).
std::string_view text_of(const ndjson::member& m, std::string& scratch) {
  std::string_view in = inner(m);
  if (in.find('\\') == std::string_view::npos) return in;
  scratch.clear();
  ndjson::unescape(in, scratch);
  return scratch;
}

bool present(const ndjson::member* m) { return m != nullptr && m->kind != ndjson::kind::null; }

bool is_added_key(std::string_view k) {
  switch (k.size()) {
    case 3: return k == "due";
    case 6: return k == "bucket";
    case 8: return k == "age_days" || k == "priority";
    case 9: return k == "age_basis";
    case 11: return k == "filing_risk";
    case 15: return k == "filing_deadline";
    case 16: return k == "days_to_deadline";
    default: return false;
  }
}

bool finalized_state(std::string_view s) { return s == "paid" || s == "denied" || s == "finalized"; }

void check_amount(const ndjson::member* m, const char* field, money& out) {
  amount_status st = amount_status::not_a_number;
  if (m->kind == ndjson::kind::number) st = parse_amount(m->value, out);
  else if (m->kind == ndjson::kind::string) st = parse_amount(inner(*m), out);
  switch (st) {
    case amount_status::ok: return;
    case amount_status::negative: throw ndjson::bad_record{"negative_amount", fmt::format("{} is negative", field)};
    case amount_status::too_large:
      throw ndjson::bad_record{"bad_amount", fmt::format("{} is too large (10^18 or more)", field)};
    case amount_status::too_precise:
      throw ndjson::bad_record{"bad_amount", fmt::format("{} has more than 18 decimal places", field)};
    default: throw ndjson::bad_record{"bad_amount", fmt::format("{} is not a number", field)};
  }
}

void date_of(const ndjson::member* m, const char* field, dates::day_number& d) {
  if (m->kind != ndjson::kind::string || !dates::parse(inner(*m), d)) {
    throw ndjson::bad_record{"bad_date", fmt::format("{} is not a valid date (YYYY-MM-DD)", field)};
  }
}

}  // namespace

const char* basis_name(basis b) {
  switch (b) {
    case basis::service: return "service";
    case basis::status: return "status";
    default: return "submitted";
  }
}

ager::ager(const settings& s, cli::reporter& rep, ledger* led) : s_(s), rep_(rep), ledger_(led) {}

bool ager::evaluate(const ndjson::record& rec, aged_claim& c) {
  const ndjson::member *type = nullptr, *claim_id = nullptr, *payer_id = nullptr, *payer = nullptr,
                       *payer_name = nullptr, *submitted = nullptr, *from = nullptr, *to = nullptr, *billed = nullptr,
                       *paid = nullptr, *last_checked = nullptr, *state = nullptr, *statuses = nullptr,
                       *incomplete = nullptr, *followups = nullptr, *action = nullptr;
  c.rebuild = false;
  for (const auto& m : rec.members) {
    std::string_view k = m.key;
    switch (k.size()) {
      case 4:
        if (k == "type") type = &m;
        break;
      case 5:
        if (k == "payer") payer = &m;
        else if (k == "state") state = &m;
        break;
      case 6:
        if (k == "action") action = &m;
        break;
      case 8:
        if (k == "claim_id") claim_id = &m;
        else if (k == "payer_id") payer_id = &m;
        else if (k == "statuses") statuses = &m;
        break;
      case 10:
        if (k == "payer_name") payer_name = &m;
        else if (k == "service_to") to = &m;
        else if (k == "incomplete") incomplete = &m;
        break;
      case 11:
        if (k == "paid_amount") paid = &m;
        break;
      case 12:
        if (k == "service_from") from = &m;
        else if (k == "last_checked") last_checked = &m;
        break;
      case 13:
        if (k == "billed_amount") billed = &m;
        break;
      case 14:
        if (k == "submitted_date") submitted = &m;
        else if (k == "line_followups") followups = &m;
        break;
      default: break;
    }
    if (is_added_key(k)) c.rebuild = true;
    // With a ledger, state and action are written as settled here.
    if (ledger_ != nullptr && (k == "state" || k == "action")) c.rebuild = true;
  }
  bool status_record = false;
  if (type != nullptr && type->kind == ndjson::kind::string) {
    std::string_view t = inner(*type);
    if (t != "claim" && t != "claim_status" && t != "claim_status_request") {
      ++skipped_;
      return false;
    }
    status_record = t == "claim_status";
  }

  if (!present(claim_id)) throw ndjson::bad_record{"missing_field", "missing claim_id"};
  if (claim_id->kind != ndjson::kind::string) throw ndjson::bad_record{"bad_field", "claim_id is not a string"};
  if (claim_id->value.size() <= 2) throw ndjson::bad_record{"missing_field", "missing claim_id"};
  c.claim_id = text_of(*claim_id, id_scratch_);

  std::string_view payer_name_text;
  c.payer_id = {};
  if (present(payer_id) && payer_id->kind == ndjson::kind::string) c.payer_id = text_of(*payer_id, payer_scratch_);
  if (present(payer_name) && payer_name->kind == ndjson::kind::string)
    payer_name_text = text_of(*payer_name, name_scratch_);
  if (present(payer) && payer->kind == ndjson::kind::object && (c.payer_id.empty() || payer_name_text.empty())) {
    rec.members_of(payer->value, sub_);
    const ndjson::member* id = ndjson::find(sub_, "id");
    const ndjson::member* name = ndjson::find(sub_, "name");
    if (c.payer_id.empty() && present(id) && id->kind == ndjson::kind::string)
      c.payer_id = text_of(*id, payer_scratch_);
    if (payer_name_text.empty() && present(name) && name->kind == ndjson::kind::string) {
      payer_name_text = text_of(*name, name_scratch_);
    }
  }

  c.payer_name = payer_name_text;
  bool in_ledger = ledger_ != nullptr && ledger_->find(c.claim_id, row_);
  if (in_ledger && c.payer_id.empty()) c.payer_id = row_.payer_id;

  // Dates.
  dates::day_number sub_day = 0, from_day = 0, to_day = 0, status_day = 0, checked_day = 0;
  dates::instant checked_at;
  bool has_sub = false, has_from = false, has_to = false, has_checked = false;
  if (present(submitted)) {
    date_of(submitted, "submitted_date", sub_day);
    has_sub = true;
  } else if (in_ledger && dates::parse(row_.submitted_date, sub_day)) {
    has_sub = true;
  }
  if (present(from)) {
    date_of(from, "service_from", from_day);
    has_from = true;
  }
  if (present(to)) {
    date_of(to, "service_to", to_day);
    has_to = true;
  }
  if (present(last_checked)) {
    if (last_checked->kind != ndjson::kind::string || !dates::parse_instant(inner(*last_checked), checked_at)) {
      throw ndjson::bad_record{"bad_date", "last_checked is not a valid RFC 3339 time or date"};
    }
    checked_day = dates::utc_day(checked_at);
    has_checked = true;
  }

  // Status entries are always checked (a bad entry is rejected whatever
  // the options): their latest date, whether any is coded, and whether an
  // un-normalized status record is final.
  bool has_status_day = false, first_final = false, first_denied = false, coded = false;
  auto read_statuses = [&] {
    if (!present(statuses)) return;
    if (statuses->kind != ndjson::kind::array) throw ndjson::bad_record{"bad_field", "statuses is not an array"};
    rec.elements_of(statuses->value, elems_);
    bool first = true;
    for (auto e : elems_) {
      if (e.empty() || e.front() != '{') throw ndjson::bad_record{"bad_field", "statuses entry is not an object"};
      rec.members_of(e, sub_);
      const ndjson::member* eff = ndjson::find(sub_, "effective_date");
      if (present(eff)) {
        dates::day_number d;
        date_of(eff, "statuses[].effective_date", d);
        if (!has_status_day || d > status_day) status_day = d;
        has_status_day = true;
      }
      if (first) {
        const ndjson::member* cat = ndjson::find(sub_, "category");
        if (present(cat) && cat->kind == ndjson::kind::string) {
          std::string_view v = inner(*cat);
          first_final = !v.empty() && v.front() == 'F';
          first_denied = v == "F2";
        }
        first = false;
      }
      if (!coded) {
        const ndjson::member* cat = ndjson::find(sub_, "category");
        coded = present(cat) && cat->kind == ndjson::kind::string && cat->value.size() > 2;
      }
    }
  };
  read_statuses();

  // State and last check: the record's or the ledger's, by the precedence
  // rule of claimkit(7): a weak word (no state, state unknown, a status
  // record without a coded status, incomplete: true) never overrides a
  // strong one; otherwise the later check wins, the record on a tie.
  c.state = {};
  c.action = {};
  bool checked_from_ledger = false;
  if (present(state) && state->kind == ndjson::kind::string) c.state = text_of(*state, state_scratch_);
  if (present(action) && action->kind == ndjson::kind::string) c.action = text_of(*action, action_scratch_);
  if (in_ledger) {
    bool rec_weak = c.state.empty() || c.state == "unknown" || (status_record && !coded) ||
                    (incomplete != nullptr && incomplete->kind == ndjson::kind::boolean && incomplete->value == "true");
    bool led_weak = row_.state.empty() || row_.state == "unknown";
    dates::instant led_at;
    bool led_checked =
        dates::parse_instant(row_.last_checked, led_at) || dates::parse_instant(row_.effective_date, led_at);
    bool ledger_wins = rec_weak != led_weak ? rec_weak : led_checked && (!has_checked || led_at > checked_at);
    if (ledger_wins) {
      if (!row_.state.empty()) {
        c.state = row_.state;
        c.action = row_.action;  // the action goes with the state it is for
      }
      if (led_checked) {
        checked_from_ledger = true;
        checked_at = led_at;
        checked_day = dates::utc_day(led_at);
        has_checked = true;
      }
    }
  }
  if (!c.state.empty()) {
    c.finalized = finalized_state(c.state);
    c.done = c.finalized && c.state != "denied";
  } else {
    // Only a payer's status record says the claim is final; a claim export
    // without a state is open.
    c.finalized = status_record && first_final;
    c.done = c.finalized && !first_denied;
    c.state = "unknown";
  }

  // Age.
  auto basis_day = [&](basis b, dates::day_number& d) {
    switch (b) {
      case basis::submitted: d = sub_day; return has_sub;
      case basis::service: d = has_from ? from_day : to_day; return has_from || has_to;
      case basis::status: d = status_day; return has_status_day;
    }
    return false;
  };
  static constexpr basis kOrder[] = {basis::submitted, basis::service, basis::status};
  dates::day_number start = 0;
  bool found = basis_day(s_.basis, start);
  c.age_basis = s_.basis;
  for (basis b : kOrder) {
    if (found) break;
    if (b != s_.basis && basis_day(b, start)) {
      found = true;
      c.age_basis = b;
    }
  }
  if (!found) {
    throw ndjson::bad_record{
        "missing_date", "no date to age from (submitted_date, service_from, service_to, statuses[].effective_date)"};
  }
  c.age_days = static_cast<int>(s_.as_of - start);
  c.bucket = s_.buckets.index(c.age_days);

  // Amount outstanding: billed less paid, never below zero.
  money billed_v, paid_v;
  if (present(billed)) check_amount(billed, "billed_amount", billed_v);
  else if (in_ledger && parse_amount(row_.billed_amount, billed_v) != amount_status::ok) billed_v = {};
  if (present(paid)) check_amount(paid, "paid_amount", paid_v);
  else if (in_ledger && parse_amount(row_.paid_amount, paid_v) != amount_status::ok) paid_v = {};
  c.outstanding = billed_v > paid_v ? minus(billed_v, paid_v) : money{};

  // Timely filing runs from the date of service (the last day for a span).
  c.has_deadline = has_from || has_to;
  c.filing_risk = false;
  if (c.has_deadline) {
    dates::day_number service = has_to ? to_day : from_day;
    filing_limits::match lim = s_.limits.lookup(c.payer_id, payer_name_text);
    if (!lim.listed && s_.limits.from_file() && !warned_unlisted_) {
      warned_unlisted_ = true;
      rep_.warning(rec.pos, "unlisted_payer",
                   fmt::format("payer not in the filing-limits table: using the default of {} days "
                               "(said once for all such payers)",
                               lim.days));
    }
    c.filing_deadline = service + lim.days;
    c.days_to_deadline = static_cast<int>(c.filing_deadline - s_.as_of);
    std::int64_t elapsed = s_.as_of - service;
    c.filing_risk = elapsed * 5 >= static_cast<std::int64_t>(lim.days) * 4;  // at 80% of the window
  }

  c.priority_tenths = priority_tenths(s_.weights, c.age_days, c.outstanding, c.filing_risk);
  // Recheck: the ledger's planned day when its check is the one that
  // counts, else the interval for the state and payer (due when last
  // checked more than the interval ago); never checked: due now.
  std::optional<dates::day_number> next;
  dates::day_number planned = 0;
  if (checked_from_ledger && dates::parse(row_.next_check, planned)) {
    next = planned;
  } else if (has_checked) {
    next = s_.recheck.next_check(checked_day, c.state, c.payer_id);
  } else if (s_.recheck.days(c.state, c.payer_id)) {
    next = s_.as_of;
  }
  c.has_next_check = next.has_value();
  c.next_check = next.value_or(0);
  c.due = next && s_.as_of >= *next;
  if (seen_ != nullptr) {
    auto& r = (*seen_)[std::string(c.claim_id)];
    if (r.payer_id.empty()) r.payer_id = c.payer_id;
    if (!r.has_submitted && has_sub) {
      r.has_submitted = true;
      r.submitted = sub_day;
    }
  }

  // Service lines that need work of their own keep a finalized claim on the list.
  c.line_followups = {};
  c.followups_from_ledger = false;
  if (present(followups) && followups->kind == ndjson::kind::array && followups->value.size() > 2) {
    c.line_followups = followups->value;
  } else if (in_ledger && row_.line_followups.size() > 2 && row_.line_followups.front() == '[') {
    // Copied into the output: only when the ledger holds valid JSON.
    ndjson::parse_error err;
    if (ndjson::validate(row_.line_followups, err)) {
      c.line_followups = row_.line_followups;
      c.followups_from_ledger = true;
    }
  }
  return true;
}

bool ager::keep(const aged_claim& c) const {
  if (c.done && !s_.all && c.line_followups.empty()) return false;
  if (s_.older_than && c.age_days <= *s_.older_than) return false;
  if (s_.min_amount && c.outstanding < *s_.min_amount) return false;
  if (s_.due_only && !c.due) return false;
  if (!s_.states.empty()) {
    bool hit = false;
    for (const auto& st : s_.states) hit = hit || st == c.state;
    if (!hit) return false;
  }
  for (const auto& p : s_.skip_payers) {
    if (p == c.payer_id) return false;
  }
  if (!s_.payers.empty()) {
    bool hit = false;
    for (const auto& p : s_.payers) hit = hit || p == c.payer_id;
    if (!hit) return false;
  }
  return true;
}

namespace {
void append_int(std::string& out, std::int64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, static_cast<std::size_t>(r.ptr - buf));
}
}  // namespace

void ager::write(const ndjson::record& rec, const aged_claim& c, std::string& out) const {
  std::string_view t = rec.text;
  if (!c.rebuild) {
    std::size_t close = t.rfind('}');
    out.append(t.data(), close);
    if (!rec.members.empty()) out.push_back(',');
  } else {
    out.push_back('{');
    bool first = true;
    for (const auto& m : rec.members) {
      if (is_added_key(m.key)) continue;
      if (ledger_ != nullptr && (m.key == "state" || m.key == "action")) continue;
      if (!first) out.push_back(',');
      first = false;
      out.push_back('"');
      out.append(m.key);
      out.append("\":", 2);
      out.append(m.value);
    }
    if (!first) out.push_back(',');
  }
  if (ledger_ != nullptr) {
    out.append("\"state\":");
    json::append_string(out, c.state);
    out.push_back(',');
    if (!c.action.empty()) {
      out.append("\"action\":");
      json::append_string(out, c.action);
      out.push_back(',');
    }
  }
  if (c.followups_from_ledger) {
    out.append("\"line_followups\":");
    out.append(c.line_followups);
    out.push_back(',');
  }
  out.append("\"age_days\":");
  append_int(out, c.age_days);
  out.append(",\"age_basis\":\"");
  out.append(basis_name(c.age_basis));
  out.append("\",\"bucket\":\"");
  out.append(s_.buckets.label(c.bucket));
  out.append("\",\"priority\":");
  append_tenths(out, c.priority_tenths);
  if (c.has_deadline) {
    out.append(",\"filing_deadline\":\"");
    dates::append(out, c.filing_deadline);
    out.append("\",\"days_to_deadline\":");
    append_int(out, c.days_to_deadline);
    out.append(c.filing_risk ? ",\"filing_risk\":true" : ",\"filing_risk\":false");
  }
  out.append(c.due ? ",\"due\":true}\n" : ",\"due\":false}\n");
}

}  // namespace claimkit::age
