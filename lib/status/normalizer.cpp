#include "status/normalizer.hpp"
#include <cctype>

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

#include "core/error.hpp"
#include "json/writer.hpp"
#include "status/phrases.hpp"
#include "status/vendor.hpp"

namespace claimkit::status {
namespace {

// Comparisons with a literal, spelled out so they compile to a length check
// and a few loads whatever the inliner decides about std::string_view's
// operator== (with link-time optimisation it called memcmp for every key).
template <std::size_t N>
[[gnu::always_inline]] inline bool is(std::string_view s, const char (&lit)[N]) {
  return s.size() == N - 1 && std::memcmp(s.data(), lit, N - 1) == 0;
}

template <std::size_t N>
[[gnu::always_inline]] inline bool key_is(const ndjson::member& m, const char (&k)[N]) {
  return is(m.key, k);
}

// Members this tool writes: an input that already has them (a record
// normalized before) gets them replaced, never duplicated.
// Keys are told apart by their length first: most keys of a record have a
// length no candidate has, and are passed over on one compare.
[[gnu::always_inline]] inline bool is_added_key(std::string_view k) {
  switch (k.size()) {
    case 5: return is(k, "state") || is(k, "queue");
    case 6: return is(k, "action") || is(k, "reason");
    case 8: return is(k, "escalate");
    case 14: return is(k, "line_followups");
    default: return false;
  }
}
[[gnu::always_inline]] inline bool is_label_key(std::string_view k) {
  switch (k.size()) {
    case 10: return is(k, "code_label");
    case 12: return is(k, "entity_label");
    case 14: return is(k, "category_label");
    default: return false;
  }
}

void copy_member(std::string& out, const ndjson::member& m, bool& first) {
  if (!first) out.push_back(',');
  first = false;
  out.push_back('"');
  out.append(m.key);
  out.append("\":", 2);
  out.append(m.value);
}

// Labels and rule texts are nearly always plain ASCII: copy those as they are.
void append_json_string(std::string& out, std::string_view v) {
  for (char c : v) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x80 || c == '"' || c == '\\') {
      json::append_string(out, v);
      return;
    }
  }
  out.push_back('"');
  out.append(v);
  out.push_back('"');
}

void add_string(std::string& out, std::string_view key, std::string_view value, bool& first) {
  if (value.empty()) return;
  if (!first) out.push_back(',');
  first = false;
  out.push_back('"');
  out.append(key);
  out.append("\":", 2);
  append_json_string(out, value);
}

bool in_list(const std::vector<std::string>& l, std::string_view v) {
  for (const auto& s : l) {
    if (s == v) return true;
  }
  return false;
}

bool category_matches(const std::vector<std::string>& pats, std::string_view cat) {
  if (cat.empty()) return false;
  for (const auto& p : pats) {
    if (!p.empty() && p.back() == '*') {
      std::string_view pre(p.data(), p.size() - 1);
      if (cat.substr(0, pre.size()) == pre) return true;
    } else if (p == cat) {
      return true;
    }
  }
  return false;
}

bool any_in(const std::vector<std::string>& l, const std::vector<std::string_view>& vs) {
  for (auto v : vs) {
    if (in_list(l, v)) return true;
  }
  return false;
}

double to_double(std::string_view raw) {
  char buf[64];
  std::size_t n = std::min(raw.size(), sizeof buf - 1);
  std::copy_n(raw.data(), n, buf);
  buf[n] = '\0';
  return std::strtod(buf, nullptr);
}

}  // namespace

int category_rank(std::string_view c) {
  if (is(c, "A3") || is(c, "A6") || is(c, "A7") || is(c, "A8")) return 0;
  if (is(c, "F2")) return 1;
  if (is(c, "P3") || is(c, "P4") || (c.size() >= 2 && c[0] == 'R' && !is(c, "RQ"))) return 2;
  if (is(c, "F1")) return 3;
  if (is(c, "F0") || is(c, "F3") || is(c, "F3F") || is(c, "F3N") || is(c, "F4") || is(c, "F5")) return 4;
  if (c.size() == 2 && c[0] == 'E') return 5;
  if (is(c, "D0")) return 5;  // the search failed: an error in the request
  if (is(c, "A4")) return 6;
  if (is(c, "P0") || is(c, "P1") || is(c, "P2") || is(c, "P5")) return 7;
  if (is(c, "A0") || is(c, "A1") || is(c, "A2") || is(c, "A5")) return 8;
  return 9;
}

normalizer::normalizer(const rule_set& rules, const codes::tables& codes, cli::reporter& rep)
    : rules_(rules), codes_(codes), rep_(rep), match_cache_(kMatchSlots), label_cache_(kLabelSlots) {
  for (const auto& r : rules_.rules) {
    rules_need_amounts_ = rules_need_amounts_ || r.needs_amounts();
    outcome_json_.push_back(outcome_json(r));
    outcome_tail_.push_back("," + outcome_json_.back() + "}\n");
  }
}

std::string normalizer::outcome_json(const rule& r) {
  std::string s;
  bool first = true;
  add_string(s, "state", r.state, first);
  add_string(s, "action", r.action, first);
  add_string(s, "queue", r.queue, first);
  add_string(s, "reason", r.reason, first);
  return s;
}

// In line: it runs for every field the rules read, and nearly always answers
// with the bytes between the quotes.
[[gnu::always_inline]] inline std::string_view normalizer::str(const ndjson::member& m) {
  if (m.kind != ndjson::kind::string) return {};
  std::string_view inner(m.value.data() + 1, m.value.size() - 2);
  if (inner.find('\\') == std::string_view::npos) return inner;
  return decode(inner);
}

std::string_view normalizer::decode(std::string_view inner) {
  decoded_.emplace_back();
  ndjson::unescape(inner, decoded_.back());
  return decoded_.back();
}

std::string_view normalizer::str_value(std::string_view raw) {
  if (raw.size() < 2 || raw.front() != '"') return {};
  return str(ndjson::member{{}, raw, ndjson::kind::string});
}

// The entries come from the record's index (its document lists every
// object and array it holds): no second pass over the bytes.
void normalizer::read_statuses(std::string_view array_text, std::vector<status_view>& into) {
  for (const auto& el : doc_->elements_of(array_text)) {
    if (el.kind != ndjson::kind::object) continue;
    status_view s;
    auto ms = doc_->members_of(el.value);
    s.indexed = ms.data();
    s.last = ms.size();
    s.raw = el.value;
    for (const auto& m : ms) {
      switch (m.key.size()) {
        case 8:
          if (key_is(m, "category")) s.category = str(m);
          break;
        case 4:
          if (key_is(m, "code")) s.code = str(m);
          break;
        case 6:
          if (key_is(m, "entity")) s.entity = str(m);
          break;
        case 14:
          if (key_is(m, "effective_date")) s.date = str(m);
          break;
        default: break;
      }
    }
    into.push_back(s);
  }
}

void normalizer::warn_unknown(codes::list l, std::string_view code, const cli::position& pos) {
  std::string k = fmt::format("{}:{}", static_cast<int>(l), code);
  if (!warned_.insert(k).second) return;
  // X12 codes are short and alphanumeric; anything else in a code field may
  // be misplaced data (possibly PHI), so its value is not repeated.
  bool code_shaped = !code.empty() && code.size() <= 4;
  for (char c : code) code_shaped = code_shaped && std::isalnum(static_cast<unsigned char>(c)) != 0;
  if (code_shaped) {
    rep_.warning(pos, "unknown_code", fmt::format("unknown {} \"{}\": no label", codes::list_name(l), code));
  } else {
    rep_.warning(pos, "unknown_code", fmt::format("{} is not a code (value not shown): no label", codes::list_name(l)));
  }
}

namespace {
// A code of at most 7 bytes as one word behind its length (so "A" and
// "\0A" differ); ~0 for longer codes, which are not remembered.
inline std::uint64_t short_code(std::string_view c) {
  if (c.size() > 7) return ~std::uint64_t{0};
  std::uint64_t k = c.size();
  for (char ch : c) k = (k << 8) | static_cast<unsigned char>(ch);
  return k;
}
}  // namespace

void normalizer::labels(std::string& out, std::string_view category, std::string_view code, std::string_view entity,
                        const cli::position& pos) {
  // A batch repeats a few category/code/entity combinations: their labels
  // are looked up once. Reusing the text skips only warn_unknown calls that
  // would find the code already warned about.
  const std::uint64_t kc = short_code(category), ks = short_code(code), ke = short_code(entity);
  const bool cacheable = (kc & ks & ke) != ~std::uint64_t{0};
  label_slot* slot = nullptr;
  if (cacheable) {
    std::uint64_t h = (kc * 0x9E3779B97F4A7C15ull) ^ (ks * 0xC2B2AE3D27D4EB4Full) ^ (ke * 0x165667B19E3779F9ull);
    slot = &label_cache_[(h >> 40) % kLabelSlots];
    if (slot->filled && slot->category == kc && slot->code == ks && slot->entity == ke) {
      out.append(slot->text);
      return;
    }
  }
  const std::size_t from = out.size();
  labels_uncached(out, category, code, entity, pos);
  if (slot != nullptr) {
    slot->filled = true;
    slot->category = kc;
    slot->code = ks;
    slot->entity = ke;
    slot->text.assign(out, from, std::string::npos);
  }
}

void normalizer::labels_uncached(std::string& out, std::string_view category, std::string_view code,
                                 std::string_view entity, const cli::position& pos) {
  auto one = [&](codes::list l, std::string_view c, std::string_view key) {
    if (c.empty()) return;
    std::string_view j = codes_.label_json(l, c);
    if (j.empty()) {
      warn_unknown(l, c, pos);
      return;
    }
    out.append(key);
    out.append(j);
  };
  one(codes::list::category, category, ",\"category_label\":");
  one(codes::list::status, code, ",\"code_label\":");
  one(codes::list::entity, entity, ",\"entity_label\":");
}

void normalizer::write_status(std::string& out, const status_view& s, const cli::position& pos) {
  const ndjson::member* ms = members_of(s);
  bool relabel = false;
  for (std::size_t i = s.first; i < s.last; ++i) relabel = relabel || is_label_key(ms[i].key);
  if (!relabel) {
    // The entry as it came, with the labels slipped in before its '}'.
    std::string_view body = s.raw.substr(0, s.raw.size() - 1);
    while (!body.empty() && (body.back() == ' ' || body.back() == '\t' || body.back() == '\n' || body.back() == '\r')) {
      body.remove_suffix(1);
    }
    out.append(body);
    std::size_t before = out.size();
    labels(out, s.category, s.code, s.entity, pos);
    if (s.first == s.last && out.size() > before) out.erase(before, 1);
    out.push_back('}');
    return;
  }
  out.push_back('{');
  bool first = true;
  for (std::size_t i = s.first; i < s.last; ++i) {
    if (!is_label_key(ms[i].key)) copy_member(out, ms[i], first);
  }
  std::size_t before = out.size();
  labels(out, s.category, s.code, s.entity, pos);
  // labels() writes a leading comma; drop it when the entry was empty.
  if (first && out.size() > before) out.erase(before, 1);
  out.push_back('}');
}

void normalizer::write_lines(std::string& out, std::string_view lines_text, const cli::position& pos, const rule& claim,
                             std::string& followups) {
  out.push_back('[');
  bool first_line = true;
  for (const auto& el : doc_->elements_of(lines_text)) {
    if (!first_line) out.push_back(',');
    first_line = false;
    const ndjson::member* st = nullptr;
    const ndjson::member* line_id = nullptr;
    const ndjson::member* procedure = nullptr;
    if (el.kind == ndjson::kind::object) {
      for (const auto& m : doc_->members_of(el.value)) {
        if (key_is(m, "statuses") && m.kind == ndjson::kind::array) st = &m;
        else if (key_is(m, "line_id")) line_id = &m;
        else if (key_is(m, "procedure")) procedure = &m;
      }
    }
    std::string_view line = el.value;
    if (st == nullptr) {
      out.append(line);
      continue;
    }
    // Only the statuses of the line change; the rest is copied as it came.
    std::size_t head = static_cast<std::size_t>(st->value.data() - line.data());
    out.append(line.substr(0, head));
    line_statuses_.clear();
    read_statuses(st->value, line_statuses_);
    out.push_back('[');
    for (std::size_t i = 0; i < line_statuses_.size(); ++i) {
      if (i > 0) out.push_back(',');
      write_status(out, line_statuses_[i], pos);
    }
    out.push_back(']');
    line_followup(line_id, procedure, claim, followups);
    out.append(line.substr(head + st->value.size()));
  }
  out.push_back(']');
}

const normalizer::status_view* normalizer::decide(const std::vector<status_view>& statuses, facts& f) {
  // Entries of the latest effective date, then the most pressing category
  // family, then the first in order.
  const status_view* decider = nullptr;
  std::string_view latest;
  for (const auto& s : statuses) latest = std::max(latest, s.date);
  int best = 100;
  for (const auto& s : statuses) {
    if (s.date != latest) continue;
    int r = category_rank(s.category);
    if (r < best) {
      best = r;
      decider = &s;
    }
  }
  if (decider == nullptr) return nullptr;
  f.category = decider->category;
  f.code = decider->code;
  f.entity = decider->entity;
  for (const auto& s : statuses) {
    if (s.date != decider->date) continue;
    if (s.category == decider->category) {
      f.codes.push_back(s.code);
      f.entities.push_back(s.entity);
    } else if (!s.category.empty() && std::find(f.also.begin(), f.also.end(), s.category) == f.also.end()) {
      f.also.push_back(s.category);
    }
  }
  return decider;
}

void normalizer::line_followup(const ndjson::member* line_id, const ndjson::member* procedure, const rule& claim,
                               std::string& followups) {
  // The usual line has one status, the claim's own: nothing to decide.
  if (line_statuses_.size() == 1 && facts_.codes.size() == 1 && facts_.also.empty()) {
    const status_view& s = line_statuses_.front();
    if (s.category == facts_.category && s.code == facts_.codes.front() && s.entity == facts_.entities.front()) return;
  }
  facts& lf = line_facts_;
  lf.codes.clear();
  lf.entities.clear();
  lf.also.clear();
  lf.type = facts_.type;
  lf.channel = facts_.channel;
  lf.payer = facts_.payer;
  const status_view* d = decide(line_statuses_, lf);
  if (d == nullptr) return;
  // The usual line says what its claim says: same facts, same rule.
  if (lf.category == facts_.category && lf.codes == facts_.codes && lf.entities == facts_.entities &&
      lf.also == facts_.also) {
    return;
  }
  const rule& r = rules_need_amounts_ ? match(lf) : cached_match(lf);
  // Lines that need work of their own: what the claim's state does not
  // already send someone to do.
  if (r.state == claim.state && r.action == claim.action) return;
  const bool work = r.state == "denied" || r.state == "rejected" || r.state == "needs_info" || is(lf.category, "F2");
  if (!work) return;
  if (!followups.empty()) followups.push_back(',');
  followups.push_back('{');
  bool first = true;
  // Copied as they came (a line id is a string or a number).
  if (line_id != nullptr) copy_member(followups, *line_id, first);
  if (procedure != nullptr) copy_member(followups, *procedure, first);
  add_string(followups, "state", r.state, first);
  add_string(followups, "action", r.action, first);
  add_string(followups, "queue", r.queue, first);
  add_string(followups, "category", lf.category, first);
  add_string(followups, "code", lf.code, first);
  followups.push_back('}');
}

const rule& normalizer::match(const facts& f) const {
  for (const rule& r : rules_.rules) {
    if (!r.types.empty() && !in_list(r.types, f.type)) continue;
    if (!r.channels.empty() && !in_list(r.channels, f.channel)) continue;
    if (!r.payers.empty() && !in_list(r.payers, f.payer)) continue;
    if (!r.ack_codes.empty() && !in_list(r.ack_codes, f.ack_code)) continue;
    if (!r.categories.empty() && !category_matches(r.categories, f.category)) continue;
    if (!r.codes.empty() && !any_in(r.codes, f.codes)) continue;
    if (!r.entities.empty() && !any_in(r.entities, f.entities)) continue;
    if (!r.also_categories.empty()) {
      bool any = false;
      for (auto c : f.also) any = any || category_matches(r.also_categories, c);
      if (!any) continue;
    }
    if (r.min_billed && !(f.has_billed && f.billed >= *r.min_billed)) continue;
    if (r.max_billed && !(f.has_billed && f.billed <= *r.max_billed)) continue;
    if (r.min_paid && !(f.has_paid && f.paid >= *r.min_paid)) continue;
    if (r.max_paid && !(f.has_paid && f.paid <= *r.max_paid)) continue;
    return r;
  }
  static const rule fallback = [] {
    rule r;
    r.name = "none";
    r.state = "unknown";
    r.action = "review";
    r.queue = "review";
    r.reason = "no rule matched";
    r.escalate = "none";
    return r;
  }();
  return fallback;
}

// The rules look only at the facts, and the same few combinations repeat
// across a batch: remember the answer (not when amounts take part).
const rule& normalizer::cached_match(const facts& f) {
  if (rules_need_amounts_) return match(f);
  // The key: each fact with its length in front, built on the stack (facts
  // too long for it are rare enough to match every time).
  char key[512 + 8];  // 8 to spare: the hash reads whole words
  std::size_t n = 0;
  bool fits = true;
  auto add = [&](std::string_view v) {
    if (!fits || v.size() > 0xFF || n + 1 + v.size() > sizeof key - 8) {
      fits = false;
      return;
    }
    key[n++] = static_cast<char>(v.size());
    if (!v.empty()) std::memcpy(key + n, v.data(), v.size());  // an empty view may hold null
    n += v.size();
  };
  add(f.type);
  add(f.channel);
  add(f.payer);
  add(f.ack_code);
  add(f.category);
  for (std::size_t i = 0; i < f.codes.size(); ++i) {
    add(f.codes[i]);
    add(f.entities[i]);
  }
  if (!f.also.empty()) {
    add("+");  // cannot be a code: keeps "codes then also" apart from more codes
    for (auto c : f.also) add(c);
  }
  if (!fits) return match(f);
  const std::string_view k(key, n);
  // Direct-mapped: a batch repeats a few combinations, and a collision only
  // costs a match.
  // Hashed a word at a time (the bytes past the key zeroed): the key is a
  // few dozen bytes, and a library hash call cost more than the lookup.
  std::memset(key + n, 0, 8);
  std::uint64_t h = n;
  for (std::size_t i = 0; i < n; i += 8) {
    std::uint64_t word;
    std::memcpy(&word, key + i, 8);
    h = (h ^ word) * 0x9E3779B97F4A7C15ull;
    h ^= h >> 29;
  }
  match_slot& slot = match_cache_[(h >> 20) % kMatchSlots];
  if (slot.found != nullptr && slot.key == k) return *slot.found;
  const rule& r = match(f);
  slot.key.assign(k);
  slot.found = &r;
  return r;
}

std::string_view normalizer::escalate_for(const rule& r, const facts& f) const {
  std::string_view e = r.escalate;
  if (is(e, "auto") || is(e, "preferred")) {
    std::string_view pref;
    if (!f.payer.empty() && in_list(rules_.esc.phone, f.payer)) pref = "phone";
    else if (!f.payer.empty() && in_list(rules_.esc.portal, f.payer)) pref = "portal";
    if (pref.empty() && is(e, "auto")) pref = rules_.esc.fallback;
    e = pref;
  }
  if (is(e, "none")) e = {};
  // Never send someone to the channel the answer already came from.
  if (is(f.channel, "phone")) e = {};
  if (is(f.channel, "portal") && is(e, "portal")) e = {};
  return e;
}

void normalizer::process(const ndjson::record& rec, std::string* out, std::vector<row>* rows) {
  const ndjson::member* type = rec.get("type");
  if (type == nullptr) {
    if (!is_vendor_response(rec)) throw ndjson::bad_record{"missing_field", "record has no \"type\" field"};
    auto claims = convert_vendor(rec);
    if (claims.empty()) throw ndjson::bad_record{"no_claims", "vendor response has no claims"};
    for (const auto& c : claims) {
      if (!c.has_id) {
        rep_.error(rec.pos, "missing_field", "vendor claim has no trackingNumber or patientAccountNumber",
                   cli::details{rec.text, {}, {}});
        continue;
      }
      // A claim built from the response is a text of its own: its own index.
      ndjson::parse_error err;
      if (!vendor_doc_.parse_object(c.record, err)) {
        throw error(cli::exit_code::internal, "vendor claim conversion wrote invalid JSON");
      }
      doc_ = &vendor_doc_;
      auto ms = vendor_doc_.members();
      normalize(rec, std::vector<ndjson::member>(ms.begin(), ms.end()), out, rows);
    }
    return;
  }
  doc_ = rec.doc;
  if (doc_ == nullptr) {
    // A record built without the reader (tests, other callers): index it here.
    ndjson::parse_error err;
    if (!own_doc_.parse_object(rec.text, err))
      throw ndjson::bad_record{"invalid_json", ndjson::invalid_json_message(err)};
    doc_ = &own_doc_;
  }
  normalize(rec, rec.members, out, rows, type);
}

void normalizer::normalize(const ndjson::record& rec, const std::vector<ndjson::member>& members, std::string* out,
                           std::vector<row>* rows, const ndjson::member* type_m) {
  decoded_.clear();
  members_.clear();
  statuses_.clear();
  facts& f = facts_;
  f = facts{std::move(f.codes), std::move(f.entities), std::move(f.also), {}, {}, {}, {}, {}, {}, {}};  // keeps storage
  f.codes.clear();
  f.entities.clear();
  f.also.clear();

  if (type_m == nullptr) type_m = ndjson::find(members, "type");
  if (type_m == nullptr || type_m->kind != ndjson::kind::string) {
    throw ndjson::bad_record{"missing_field", "record has no \"type\" string"};
  }
  f.type = str(*type_m);
  bool is_claim = is(f.type, "claim_status");
  bool is_batch = is(f.type, "batch_status");
  bool is_ack = is(f.type, "ack");
  if (!is_claim && !is_batch && !is_ack) {
    throw ndjson::bad_record{"wrong_type", "record type is not claim_status, batch_status or ack"};
  }

  std::string_view claim_id, text_said, payer_name;
  const ndjson::member* statuses_m = nullptr;
  const ndjson::member* ack_code_m = nullptr;
  const ndjson::member* accepted_m = nullptr;
  const ndjson::member* billed_m = nullptr;
  const ndjson::member* paid_m = nullptr;
  for (const auto& m : members) {
    std::string_view k = m.key;
    switch (k.size()) {
      case 8:
        if (is(k, "claim_id")) claim_id = str(m);
        else if (is(k, "statuses") && m.kind == ndjson::kind::array) statuses_m = &m;
        else if (is(k, "accepted")) accepted_m = &m;
        break;
      case 4:
        if (is(k, "text")) text_said = str(m);
        else if (is(k, "code")) ack_code_m = &m;
        break;
      case 13:
        if (is(k, "billed_amount") && m.kind == ndjson::kind::number) billed_m = &m;
        break;
      case 11:
        if (is(k, "paid_amount") && m.kind == ndjson::kind::number) paid_m = &m;
        break;
      case 5:
        if (is(k, "payer") && m.kind == ndjson::kind::object) {
          auto sub = doc_->members_of(m.value);
          if (const auto* id = ndjson::find(sub, "id")) f.payer = str_value(id->value);
          if (rows != nullptr) {
            if (const auto* name = ndjson::find(sub, "name")) payer_name = str_value(name->value);
          }
        }
        break;
      case 6:
        if (is(k, "source") && m.kind == ndjson::kind::object) {
          if (const auto* ch = ndjson::find(doc_->members_of(m.value), "channel")) f.channel = str_value(ch->value);
        }
        break;
      default: break;
    }
  }
  if (is_claim && claim_id.empty()) {
    throw ndjson::bad_record{"missing_field", "claim_status record has no claim_id"};
  }

  if (statuses_m != nullptr) read_statuses(statuses_m->value, statuses_);

  // Portal and phone captures without codes: the text says the status.
  reading said_text;
  if (statuses_.empty() && !text_said.empty()) said_text = read_text(text_said);
  const reading* said = said_text.read() ? &said_text : nullptr;

  const status_view* decider = decide(statuses_, f);
  if (decider == nullptr && said != nullptr) {
    f.category = said->category;
    f.code = said->code;
    f.entity = said->entity;
    f.codes.push_back(said->code);
    f.entities.push_back(said->entity);
    if (!said->also_category.empty()) f.also.push_back(said->also_category);
  }
  if (is_ack) {
    if (ack_code_m != nullptr) f.ack_code = str(*ack_code_m);
    else if (accepted_m != nullptr) f.ack_code = is(accepted_m->value, "true") ? "A" : "R";
  }
  if (rules_need_amounts_) {
    if (billed_m != nullptr) {
      f.billed = to_double(billed_m->value);
      f.has_billed = true;
    }
    if (paid_m != nullptr) {
      f.paid = to_double(paid_m->value);
      f.has_paid = true;
    }
    if (decider != nullptr && (!f.has_billed || !f.has_paid)) {
      const ndjson::member* ms = members_of(*decider);
      for (std::size_t i = decider->first; i < decider->last; ++i) {
        const ndjson::member& m = ms[i];
        if (m.kind != ndjson::kind::number) continue;
        if (!f.has_billed && is(m.key, "amount")) {
          f.billed = to_double(m.value);
          f.has_billed = true;
        }
        if (!f.has_paid && is(m.key, "paid_amount")) {
          f.paid = to_double(m.value);
          f.has_paid = true;
        }
      }
    }
  }

  const rule& r = cached_match(f);
  std::string_view escalate = escalate_for(r, f);
  followups_.clear();
  ++written_;

  if (rows != nullptr) {
    row w;
    w.claim_id = is_claim ? std::string(claim_id) : is_batch ? "(batch)" : "(ack)";
    w.payer = !f.payer.empty() ? std::string(f.payer) : std::string(payer_name);
    w.state = r.state;
    w.action = r.action;
    w.queue = r.queue;
    w.escalate = escalate;
    if (!f.category.empty()) {
      w.status = f.category;
      if (!f.code.empty()) w.status += ":" + std::string(f.code);
      if (!f.entity.empty()) w.status += ":" + std::string(f.entity);
      std::string_view l = f.code.empty() ? std::string_view() : codes_.label(codes::list::status, f.code);
      if (l.empty()) l = codes_.label(codes::list::category, f.category);
      w.label = l;
    } else if (is_ack) {
      w.status = f.ack_code;
    }
    rows->push_back(std::move(w));
    // Labels are still checked so unknown codes are warned about.
    for (const auto& s : statuses_) {
      std::string tmp;
      labels(tmp, s.category, s.code, s.entity, rec.pos);
    }
    return;
  }

  std::string& o = *out;
  o.push_back('{');
  bool first = true;
  // Unchanged members are copied in runs, straight from the input text.
  const char* run_b = nullptr;
  const char* run_e = nullptr;
  auto flush = [&] {
    if (run_b == nullptr) return;
    // In compact input the comma the run needs is the byte before it.
    if (!first && run_b[-1] == ',') --run_b;
    else if (!first) o.push_back(',');
    first = false;
    o.append(run_b, static_cast<std::size_t>(run_e - run_b));
    run_b = nullptr;
  };
  for (const auto& m : members) {
    std::string_view k = m.key;
    bool lines = k.size() == 5 && is(k, "lines") && m.kind == ndjson::kind::array;
    const bool dropped = is_added_key(k) || (said != nullptr && is(k, "statuses"));
    if (dropped || &m == statuses_m || lines) {
      flush();
      if (dropped) continue;
      const bool lead = !first;
      first = false;
      if (lines) {
        o.append(lead ? std::string_view(",\"lines\":") : std::string_view("\"lines\":"));
        write_lines(o, m.value, rec.pos, r, followups_);
        continue;
      }
      o.append(lead ? std::string_view(",\"statuses\":[") : std::string_view("\"statuses\":["));
      for (std::size_t i = 0; i < statuses_.size(); ++i) {
        if (i > 0) o.push_back(',');
        write_status(o, statuses_[i], rec.pos);
      }
      o.push_back(']');
      continue;
    }
    if (run_b == nullptr) run_b = m.key.data() - 1;
    run_e = m.value.data() + m.value.size();
  }
  flush();
  if (!followups_.empty()) {
    o.append(first ? "\"line_followups\":[" : ",\"line_followups\":[");
    first = false;
    o.append(followups_);
    o.push_back(']');
  }
  if (said != nullptr) {
    if (!first) o.push_back(',');
    first = false;
    o.append("\"statuses\":[{");
    bool f2 = true;
    add_string(o, "category", said->category, f2);
    add_string(o, "code", said->code, f2);
    add_string(o, "entity", said->entity, f2);
    labels(o, said->category, said->code, said->entity, rec.pos);
    if (!said->also_category.empty()) {
      o.append("},{");
      f2 = true;
      add_string(o, "category", said->also_category, f2);
      add_string(o, "code", said->also_code, f2);
      labels(o, said->also_category, said->also_code, {}, rec.pos);
    }
    o.append("}]");
  }
  std::size_t ri = static_cast<std::size_t>(&r - rules_.rules.data());
  if (!first && escalate.empty() && ri < outcome_tail_.size()) {
    o.append(outcome_tail_[ri]);
    return;
  }
  if (!first) o.push_back(',');
  first = false;
  if (ri < outcome_json_.size()) o.append(outcome_json_[ri]);
  else o.append(outcome_json(r));
  add_string(o, "escalate", escalate, first);
  o.append("}\n");
}

}  // namespace claimkit::status
