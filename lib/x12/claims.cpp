#include "x12/claims.hpp"

#include <charconv>

#include <fmt/format.h>

#include "json/writer.hpp"
#include "x12/values.hpp"

namespace claimkit::x12 {
namespace {

// Element i of seg as a view into copy, a copy of seg.text: the reader has
// split the segment already, so its elements only move to the copy.
std::string_view moved_element(const segment& seg, std::size_t i, const std::string& copy) {
  std::string_view e = seg[i];
  if (e.empty()) return {};
  return {copy.data() + (e.data() - seg.text.data()), e.size()};
}

// s as a number when it is 1 to 18 digits (std::from_chars gives the same
// then, and costs a call).
bool short_number(std::string_view s, std::uint64_t& n) {
  if (s.empty() || s.size() > 18) return false;
  std::uint64_t v = 0;
  for (char c : s) {
    const unsigned d = static_cast<unsigned char>(c) - static_cast<unsigned>('0');
    if (d > 9) return false;
    v = v * 10 + d;
  }
  n = v;
  return true;
}

// a == b for the short ids HL segments carry, without a call to memcmp.
bool same_text(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

}  // namespace

void party::set_name(const segment& seg) {
  // Padded: the views into it are written through json::plain_cursor.
  simd::padded_assign(nm1, seg.text);
  nm1_plain = seg.plain;
  last = moved_element(seg, 3, nm1);
  first = moved_element(seg, 4, nm1);
  middle = moved_element(seg, 5, nm1);
  suffix = moved_element(seg, 7, nm1);
  qualifier = moved_element(seg, 8, nm1);
  id = moved_element(seg, 9, nm1);
  present = true;
}

void party::set_demographics(const segment& seg) {
  simd::padded_assign(dmg, seg.text);
  dmg_plain = seg.plain;
  dob = equals(seg[1], "D8") ? moved_element(seg, 2, dmg) : std::string_view();
  gender = moved_element(seg, 3, dmg);
  present = true;
}

void party::clear() {
  nm1.clear();
  dmg.clear();
  if (!other_id.empty()) {
    other_qualifier.clear();
    other_id.clear();
  }
  last = {};
  first = {};
  middle = {};
  suffix = {};
  qualifier = {};
  id = {};
  dob = {};
  gender = {};
  present = false;
  nm1_plain = dmg_plain = true;
}

void claims_handler::begin(const segment& st) {
  request_ = equals(st[1], "276");
  st_where_.set(st);
  set_depth(0);
  last_hl_ = 0;
  saw_hl_ = false;
  incomplete_ = false;
  for (std::uint64_t i = 0; i <= hl_max_ / 64 && i < hl_seen_.size(); ++i) hl_seen_[i] = 0;
  hl_max_ = 0;
  hl_other_.clear();
  context_valid_ = false;
  claim_.open = false;
  line_ = nullptr;
}

void claims_handler::end(bool complete) {
  if (!saw_hl_ && complete) {
    p_.finding(st_where_.at(), "missing_segment", "IK304=3", "transaction set has no HL segment: no claims in it");
  }
  // Cut off: the claim and batch levels still open may have lost segments.
  incomplete_ = !complete;
  close_claim();
  for (std::size_t i = depth_; i-- > 0;) {
    if (at_[i]->pending) flush_batch(*at_[i]);
  }
  incomplete_ = false;
  set_depth(0);
  p_.flush_records(w_);
  p_.unpin();
}

bool claims_handler::claim_level() const {
  if (depth_ == 0) return false;
  level_kind k = at_[depth_ - 1]->kind;
  return k == level_kind::subscriber || k == level_kind::dependent;
}

const party* claims_handler::find_party(level_kind k) const {
  for (std::size_t i = depth_; i-- > 0;) {
    if (at_[i]->kind == k && at_[i]->who.present) return &at_[i]->who;
  }
  return nullptr;
}

std::string_view claims_handler::bad_date(const segment& seg, std::size_t element) {
  p_.finding(seg, "invalid_date", "IK403=8",
             fmt::format("{}{:02} is not a valid CCYYMMDD date", seg.tag().substr(0, 3), element));
  return {};
}

amount claims_handler::checked_amount_slow(const segment& seg, std::size_t element) {
  std::string_view v = seg[element];
  std::string tmp;
  if (json::append_decimal(tmp, v)) return {v, false};
  p_.finding(seg, "invalid_amount", "IK403=6",
             fmt::format("{}{:02} is not a valid amount", seg.tag().substr(0, 3), element));
  return {};
}

void claims_handler::on_segment(const segment& seg) {
  claim_.plain &= seg.plain;  // (reset when a claim opens)
  switch (seg.code) {
    case tag_code("HL"): return on_hl(seg);
    case tag_code("BHT"): return;
    default: break;
  }
  if (!saw_hl_) return;
  level* lv = current();
  switch (seg.code) {
    case tag_code("NM1"):
      if (lv != nullptr && !claim_.open) {
        party& who = lv->who;
        if (!who.nm1.empty() && !who.id.empty() && who.qualifier != seg[8] && lv->kind != level_kind::subscriber &&
            lv->kind != level_kind::dependent && component(who.nm1, 2, p_.delims().element) == seg[1]) {
          // The same party named again with another id: keep the first id too.
          std::string q(who.qualifier), id(who.id);
          who.set_name(seg);
          who.other_qualifier = std::move(q);
          who.other_id = std::move(id);
        } else {
          who.set_name(seg);
          if (!who.other_id.empty()) {
            who.other_qualifier.clear();
            who.other_id.clear();
          }
        }
        if (lv->kind != level_kind::subscriber && lv->kind != level_kind::dependent) context_valid_ = false;
      }
      return;
    case tag_code("TRN"): return on_trn(seg);
    case tag_code("STC"):
      if (claim_.open) {
        if (line_ != nullptr) {
          std::size_t before = claim_.line_statuses.size();
          on_stc(seg, claim_.line_statuses);
          line_->n_statuses += claim_.line_statuses.size() - before;
          return;
        }
        return on_stc(seg, claim_.statuses);
      }
      if (claim_level()) {
        p_.finding(seg, "missing_segment", "IK304=3",
                   "STC segment without a TRN claim status tracking number before it");
        open_claim(seg);
        return on_stc(seg, claim_.statuses);
      }
      if (lv != nullptr) {
        if (!lv->pending) {
          p_.pin();
          lv->first_segment = seg.index;
          lv->pending = true;
        }
        on_stc(seg, lv->statuses);
      }
      return;
    case tag_code("REF"): {
      if (!claim_.open) return;
      std::string_view q = seg[1];
      if (line_ != nullptr) {
        if (equals(q, "FJ")) line_->line_id = seg[2];
        return;
      }
      if (equals(q, "1K")) claim_.payer_claim_id = seg[2];
      else if (equals(q, "EJ")) claim_.patient_account = seg[2];
      else if (equals(q, "BLT")) claim_.bill_type = seg[2];
      else if (equals(q, "D9")) claim_.trace_d9 = seg[2];
      return;
    }
    case tag_code("DTP"): return on_dtp(seg);
    case tag_code("SVC"): return on_svc(seg);
    case tag_code("AMT"):
      if (claim_.open) {
        if (equals(seg[1], "T3") && line_ == nullptr) claim_.billed = checked_amount(seg, 2);
      } else if (lv != nullptr && lv->pending) {
        if (equals(seg[1], "YU")) lv->accepted_amount = checked_amount(seg, 2);
        else if (equals(seg[1], "YY")) lv->rejected_amount = checked_amount(seg, 2);
      }
      return;
    case tag_code("QTY"):
      if (!claim_.open && lv != nullptr && lv->pending) {
        // 90 / AA at the information receiver level (2200B of a 277CA),
        // QA / QC at the provider level (2200C).
        if (equals(seg[1], "90") || equals(seg[1], "QA")) lv->accepted_count = checked_amount(seg, 2);
        else if (equals(seg[1], "AA") || equals(seg[1], "QC")) lv->rejected_count = checked_amount(seg, 2);
      }
      return;
    case tag_code("DMG"):
      if (lv != nullptr && !claim_.open) {
        if (equals(seg[1], "D8") && checked_date(seg, 2).empty() && !seg[2].empty()) {
          lv->who.dmg.clear();
          return;
        }
        lv->who.set_demographics(seg);
      }
      return;
    default: return;
  }
}

void claims_handler::on_hl(const segment& seg) {
  close_claim();
  if (depth_ > 0 && at_[depth_ - 1]->pending) flush_batch(*at_[depth_ - 1]);
  saw_hl_ = true;
  std::string_view id = seg[1], parent = seg[2], code = seg[3];
  std::uint64_t n = 0;
  std::from_chars_result r{id.data() + id.size(), std::errc()};
  if (!short_number(id, n)) r = std::from_chars(id.data(), id.data() + id.size(), n);
  const bool numeric = !id.empty() && r.ec == std::errc() && r.ptr == id.data() + id.size();
  if (!numeric || n != last_hl_ + 1) {
    p_.finding(seg, "hl_sequence", "IK403=I12", "HL01 is not one more than the previous HL01");
  }
  if (r.ec == std::errc()) last_hl_ = n;
  // A repeated HL01 makes every HL02 naming it ambiguous.
  bool repeated = false;
  if (numeric && n > hl_max_ && n / 64 < hl_seen_.size()) [[likely]] {
    hl_seen_[n / 64] |= std::uint64_t{1} << (n % 64);  // above every id so far: new
    hl_max_ = n;
  } else {
    repeated = hl_seen_before(id, numeric, n);
  }
  if (repeated) p_.finding(seg, "hl_duplicate", "IK403=I12", "HL01 was used before in this transaction set");

  level_kind kind = level_kind::other;
  if (equals(code, "20")) kind = level_kind::source;
  else if (equals(code, "21")) kind = level_kind::receiver;
  else if (equals(code, "19")) kind = level_kind::provider;
  else if (equals(code, "22")) kind = level_kind::subscriber;
  else if (equals(code, "23") || equals(code, "PT")) kind = level_kind::dependent;

  std::size_t new_depth = 0;
  if (!parent.empty()) {
    bool found = false;
    for (std::size_t i = depth_; i-- > 0;) {
      if (same_text(at_[i]->id, parent)) {
        new_depth = i + 1;
        found = true;
        break;
      }
    }
    // A parent must sit above its child in the hierarchy (payer, receiver,
    // provider, subscriber, dependent): one that does not is another HL that
    // reused the id, never the parent meant.
    if (found && kind != level_kind::other && at_[new_depth - 1]->kind != level_kind::other &&
        static_cast<int>(at_[new_depth - 1]->kind) >= static_cast<int>(kind)) {
      found = false;
      new_depth = 0;
      p_.finding(seg, "hl_parent", "IK403=I12",
                 "HL02 names an HL of the same or a lower level; placed by its level code");
    } else if (!found) {
      p_.finding(seg, "hl_parent", "IK403=I12", "HL02 does not name an open parent HL; placed by its level code");
    }
    if (!found) {
      while (new_depth < depth_ && at_[new_depth]->kind != level_kind::other &&
             static_cast<int>(at_[new_depth]->kind) < static_cast<int>(kind)) {
        ++new_depth;
      }
    }
  }
  // Levels being closed: a leaf patient level must have carried a claim.
  for (std::size_t i = depth_; i-- > new_depth;) {
    const level& l = *at_[i];
    if ((l.kind == level_kind::subscriber || l.kind == level_kind::dependent) && !l.had_claim && !l.has_children) {
      p_.finding(l.where.at(), "missing_segment", "IK304=3", "HL has no TRN claim status tracking number");
    }
  }
  if (kind != level_kind::subscriber && kind != level_kind::dependent) context_valid_ = false;
  if (at_.size() <= new_depth) {
    levels_.emplace_back();
    at_.push_back(&levels_.back());
  }
  level& l = *at_[new_depth];
  l.id.assign(id);
  l.kind = kind;
  l.who.clear();
  l.trace = {};
  l.trace_segment = 0;
  l.statuses.clear();
  l.accepted_count = {};
  l.rejected_count = {};
  l.accepted_amount = {};
  l.rejected_amount = {};
  l.first_segment = seg.index;
  l.where.set(seg);
  l.pending = false;
  l.had_claim = false;
  l.has_children = equals(seg[4], "1");
  set_depth(new_depth + 1);
}

bool claims_handler::hl_seen_before(std::string_view id, bool numeric, std::uint64_t n) {
  if (numeric && n < kHlBits) {
    const std::uint64_t word = n / 64, bit = std::uint64_t{1} << (n % 64);
    if (word >= hl_seen_.size()) hl_seen_.resize(std::max<std::uint64_t>(word + 1, hl_seen_.size() * 2), 0);
    if (n > hl_max_) hl_max_ = n;
    const bool seen = (hl_seen_[word] & bit) != 0;
    hl_seen_[word] |= bit;
    return seen;
  }
  for (const auto& o : hl_other_) {
    if (o == id) return true;
  }
  // Unusual ids (not numbers, or huge ones) are few; a hostile file with
  // many is bounded by the check's cost, not by memory per id.
  if (hl_other_.size() < 4096) hl_other_.emplace_back(id);
  return false;
}

void claims_handler::on_trn(const segment& seg) {
  if (claim_level()) {
    open_claim(seg);
    claim_.id = seg[2];
    return;
  }
  if (level* lv = current()) {
    if (!lv->pending) p_.pin();
    lv->trace = seg[2];
    lv->trace_segment = seg.index;
  }
}

void claims_handler::open_claim(const segment& seg) {
  close_claim();
  p_.pin();
  claim_.open = true;
  claim_.plain = seg.plain;
  claim_.first_segment = seg.index;
  claim_.where.set(seg);
  // One by one: a chained a = b = {} reads b back as one 16-byte load from
  // two 8-byte stores, which stalls on store forwarding.
  claim_.id = {};
  claim_.payer_claim_id = {};
  claim_.patient_account = {};
  claim_.bill_type = {};
  claim_.trace_d9 = {};
  claim_.service_from = {};
  claim_.service_to = {};
  claim_.billed = {};
  claim_.statuses.clear();
  claim_.line_statuses.clear();
  claim_.lines.clear();
  line_ = nullptr;
  if (level* lv = current()) lv->had_claim = true;
}

void claims_handler::on_stc(const segment& seg, pool<status_entry>& into) {
  const char c = p_.delims().component;
  std::string_view effective = checked_date(seg, 2);
  for (std::size_t which : {1, 10, 11}) {
    std::string_view comp = seg[which];
    if (comp.empty()) continue;
    status_entry& s = into.add();  // every member is set below
    split_components(comp, c, s.composite, 4);
    s.effective_date = effective;
    s.action_code = seg[3];
    if (which == 1) {
      s.amount = checked_amount(seg, 4);
      s.paid_amount = checked_amount(seg, 5);
      s.adjudication_date = checked_date(seg, 6);
      s.payment_method = seg[7];
      s.paid_date = checked_date(seg, 8);
      s.check_number = seg[9];
      s.message = seg[12];
    } else {
      s.amount = {};
      s.paid_amount = {};
      s.adjudication_date = {};
      s.payment_method = {};
      s.paid_date = {};
      s.check_number = {};
      s.message = {};
    }
  }
  if (seg[1].empty()) p_.finding(seg, "missing_element", "IK403=1", "STC01 claim status is empty");
}

// DTP03 as a date range (D8 gives the same date twice); reports a bad one
// and leaves both empty.
inline bool claims_handler::dtp_dates(const segment& seg, std::string_view& from, std::string_view& to) {
  std::string_view value = seg[3];
  bool ok;
  if (equals(seg[2], "RD8")) {
    ok = value.size() == 17 && value[8] == '-' && valid_date(value.substr(0, 8)) && valid_date(value.substr(9, 8));
    if (ok) {
      from = value.substr(0, 8);
      to = value.substr(9, 8);
    }
  } else {
    ok = valid_date(value);
    if (ok) {
      from = value;
      to = value;
    }
  }
  if (!ok) p_.finding(seg, "invalid_date", "IK403=8", "DTP03 service date is not a valid date or range");
  return ok;
}

void claims_handler::on_dtp(const segment& seg) {
  if (!claim_.open) return;
  if (!equals(seg[1], "472")) [[unlikely]] {
    // 232 / 233: claim statement period start / end, where 004010 and
    // 004040 277s put the claim's service dates.
    const bool start = equals(seg[1], "232"), end = equals(seg[1], "233");
    if (!start && !end) return;
    std::string_view from, to;
    dtp_dates(seg, from, to);
    std::string_view& date_from = line_ != nullptr ? line_->date_from : claim_.service_from;
    std::string_view& date_to = line_ != nullptr ? line_->date_to : claim_.service_to;
    // A single date of 232 starts the period, of 233 ends it.
    if (!end || from != to) date_from = from;
    if (!start || from != to) date_to = to;
    return;
  }
  std::string_view from, to;
  dtp_dates(seg, from, to);
  if (line_ != nullptr) {
    line_->date_from = from;
    line_->date_to = to;
  } else {
    claim_.service_from = from;
    claim_.service_to = to;
  }
}

void claims_handler::on_svc(const segment& seg) {
  if (!claim_.open) return;
  const char c = p_.delims().component;
  line_ = &claim_.lines.add();  // every member is set below
  split_components(seg[1], c, line_->svc01, 7);
  line_->billed = checked_amount(seg, 2);
  line_->paid = checked_amount(seg, 3);
  line_->revenue_code = seg[4];
  line_->units = checked_amount(seg, 7);
  line_->line_id = {};
  line_->date_from = {};
  line_->date_to = {};
  line_->first_status = claim_.line_statuses.size();
  line_->n_statuses = 0;
}

void claims_handler::close_claim() {
  if (!claim_.open) return;
  claim_.open = false;
  line_ = nullptr;
  if (!request_ && claim_.statuses.empty() && !incomplete_) {
    p_.finding(claim_.where.at(), "missing_segment", "IK304=3", "claim has no STC claim status segment");
  }
  if (request_) write_request();
  else write_claim();
  p_.unpin();
}

void claims_handler::emit() {
  w_.newline();
  p_.record_done(w_);
}

// Renders members with the spare writer, the record being built staying in
// w_: render writes them into an open object; returns their text.
template <typename F>
std::string_view claims_handler::render_apart(F&& render) {
  std::swap(w_, part_);
  w_.clear();
  w_.begin_object();
  render();
  std::swap(w_, part_);
  return part_.view().substr(1);  // after the '{'
}

void claims_handler::ensure_context() {
  if (context_valid_) return;
  context_json_.assign(render_apart([this] {
    if (const party* p = find_party(level_kind::source)) write_party_org("payer", *p);
    if (const party* p = find_party(level_kind::receiver)) write_party_org("receiver", *p);
    if (const party* p = find_party(level_kind::provider)) write_party_org("provider", *p);
  }));
  context_valid_ = true;
}

void claims_handler::ensure_source() {
  if (source_for_ == p_.stats().transactions && !source_json_.empty()) return;
  std::string_view v = render_apart([this] { p_.write_source(w_, 0); });
  // "source":{... without the closing brace: the record adds its segment.
  source_json_.assign(v.substr(0, v.size() - 1));
  source_for_ = p_.stats().transactions;
}

void claims_handler::write_party_org(std::string_view key, const party& p) {
  w_.key(key);
  w_.begin_object();
  w_.field("name", p.last);
  w_.field("first_name", p.first);
  w_.field("id", p.id);
  w_.field("id_qualifier", p.qualifier);
  w_.field("npi", p.id_for("XX"));
  w_.field("tax_id", p.id_for("FI"));
  w_.end_object();
}

template <typename W, std::size_t N>
void claims_handler::write_person(W& w, const char (&key)[N], const party& p) {
  w.key(key);
  auto o = w.open_object();
  w.field("member_id", p.id);
  w.field("last_name", p.last);
  w.field("first_name", p.first);
  w.field("middle_name", p.middle);
  w.field("suffix", p.suffix);
  w.date_field("dob", p.dob);
  w.field("gender", p.gender);
  w.close_object(o);
}

template <typename W>
void claims_handler::write_statuses(W& w, const status_entry* b, const status_entry* e) {
  if (b == e) return;
  w.key("statuses");
  auto a = w.open_array();
  for (const status_entry* s = b; s != e; ++s) {
    w.array_element();
    auto o = w.open_object();
    w.field("category", s->category());
    w.field("code", s->code());
    w.field("entity", s->entity());
    w.field("code_list", s->code_list());
    w.date_field("effective_date", s->effective_date);
    w.field("action_code", s->action_code);
    amount_field(w, "amount", s->amount);
    amount_field(w, "paid_amount", s->paid_amount);
    w.date_field("adjudication_date", s->adjudication_date);
    w.field("payment_method", s->payment_method);
    w.date_field("paid_date", s->paid_date);
    w.field("check_number", s->check_number);
    w.field("message", s->message);
    w.close_object(o);
  }
  w.close_array(a);
}

template <typename W>
void claims_handler::write_lines(W& w, bool request) {
  if (claim_.lines.empty()) return;
  w.key("lines");
  auto a = w.open_array();
  for (const auto& l : claim_.lines) {
    w.array_element();
    auto o = w.open_object();
    w.field("line_id", l.line_id);
    w.field("procedure", l.procedure());
    w.field("procedure_qualifier", l.qualifier());
    const std::string_view* mods = l.svc01 + 2;  // SVC01-3 to -6; empty ones left out
    if (!(mods[0].empty() && mods[1].empty() && mods[2].empty() && mods[3].empty())) {
      w.key("modifiers");
      auto m = w.open_array();
      for (std::size_t i = 0; i < 4; ++i) {
        if (!mods[i].empty()) w.array_string(mods[i]);
      }
      w.close_array(m);
    }
    w.field("description", l.description());
    amount_field(w, "billed_amount", l.billed);
    amount_field(w, "paid_amount", l.paid);
    w.field("revenue_code", l.revenue_code);
    amount_field(w, "units", l.units);
    if (!l.date_from.empty() && l.date_from == l.date_to) {
      w.date_field("service_date", l.date_from);
    } else {
      w.date_field("service_date_from", l.date_from);
      w.date_field("service_date_to", l.date_to);
    }
    if (!request && l.n_statuses > 0) {
      const status_entry* b = claim_.line_statuses.begin() + l.first_status;
      write_statuses(w, b, b + l.n_statuses);
    }
    w.close_object(o);
  }
  w.close_array(a);
}

template <typename W>
void claims_handler::write_claim_to(W& w, const party* subscriber, const party* patient) {
  auto o = w.open_object();
  w.key("type");
  w.raw("\"claim_status\"");
  w.field("claim_id", claim_.id);
  w.field("payer_claim_id", claim_.payer_claim_id);
  w.field("patient_account_number", claim_.patient_account);
  w.field("bill_type", claim_.bill_type);
  w.field("clearinghouse_trace", claim_.trace_d9);
  if (!context_json_.empty()) w.members(context_json_);
  if (subscriber != nullptr) write_person(w, "subscriber", *subscriber);
  if (patient != nullptr) write_person(w, "patient", *patient);
  w.date_field("service_from", claim_.service_from);
  w.date_field("service_to", claim_.service_to);
  for (const auto& s : claim_.statuses) {
    if (!s.amount.empty()) {
      amount_field(w, "billed_amount", s.amount);
      break;
    }
  }
  for (const auto& s : claim_.statuses) {
    if (!s.paid_amount.empty()) {
      amount_field(w, "paid_amount", s.paid_amount);
      break;
    }
  }
  write_statuses(w, claim_.statuses.begin(), claim_.statuses.end());
  write_lines(w, false);
  if (incomplete_) {
    w.key("incomplete");
    w.raw("true");
  }
  w.members(source_json_);
  w.key("segment");
  w.integer(claim_.first_segment);
  w.close_rendered_object();
  w.close_object(o);
}

void claims_handler::write_claim() {
  ensure_context();
  ensure_source();
  const party* subscriber = find_party(level_kind::subscriber);
  const party* patient = find_party(level_kind::dependent);
  w_.begin_record();
  if (claim_.plain && (subscriber == nullptr || subscriber->plain()) && (patient == nullptr || patient->plain())) {
    json::plain_cursor c(w_);
    write_claim_to(c, subscriber, patient);
    c.done();
  } else {
    write_claim_to(w_, subscriber, patient);
  }
  emit();
}

void claims_handler::write_request() {
  w_.begin_record();
  w_.begin_object();
  w_.key("type");
  w_.raw("\"claim_status_request\"");
  w_.field("claim_id", claim_.id);
  if (const party* p = find_party(level_kind::source)) {
    w_.field("payer_id", p->id);
    w_.field("payer_name", p->last);
  }
  if (const party* p = find_party(level_kind::receiver)) {
    w_.key("receiver");
    w_.begin_object();
    w_.field("id", p->id);
    w_.field("name", p->last);
    w_.end_object();
  }
  if (const party* p = find_party(level_kind::provider)) {
    w_.key("provider");
    w_.begin_object();
    if (!p->id_for("XX").empty() || !p->id_for("FI").empty()) {
      w_.field("npi", p->id_for("XX"));
      w_.field("tax_id", p->id_for("FI"));
    } else {
      w_.field("id", p->id);
      w_.field("id_qualifier", p->qualifier);
    }
    w_.field("name", p->last);
    w_.field("first_name", p->first);
    w_.end_object();
  }
  if (const party* p = find_party(level_kind::subscriber)) write_person(w_, "subscriber", *p);
  if (const party* p = find_party(level_kind::dependent)) write_person(w_, "patient", *p);
  w_.date_field("service_from", claim_.service_from);
  w_.date_field("service_to", claim_.service_to);
  amount_field(w_, "billed_amount", claim_.billed);
  w_.field("payer_claim_id", claim_.payer_claim_id);
  w_.field("bill_type", claim_.bill_type);
  w_.field("patient_account_number", claim_.patient_account);
  w_.field("clearinghouse_trace", claim_.trace_d9);
  write_lines(w_, true);
  if (incomplete_) {
    w_.key("incomplete");
    w_.boolean(true);
  }
  p_.write_source(w_, claim_.first_segment);
  w_.end_object();
  emit();
}

void claims_handler::flush_batch(level& l) {
  l.pending = false;
  if (l.statuses.empty()) {
    p_.unpin();
    return;
  }
  w_.begin_record();
  w_.begin_object();
  w_.key("type");
  w_.raw("\"batch_status\"");
  w_.key("level");
  w_.raw(l.kind == level_kind::receiver   ? "\"information_receiver\""
         : l.kind == level_kind::provider ? "\"provider\""
         : l.kind == level_kind::source   ? "\"information_source\""
                                          : "\"other\"");
  w_.field("trace", l.trace);
  if (const party* p = find_party(level_kind::source)) write_party_org("payer", *p);
  if (const party* p = find_party(level_kind::receiver)) write_party_org("receiver", *p);
  if (l.kind == level_kind::provider && l.who.present) write_party_org("provider", l.who);
  write_statuses(w_, l.statuses.begin(), l.statuses.end());
  amount_field(w_, "accepted_count", l.accepted_count);
  amount_field(w_, "rejected_count", l.rejected_count);
  amount_field(w_, "accepted_amount", l.accepted_amount);
  amount_field(w_, "rejected_amount", l.rejected_amount);
  if (incomplete_) {
    w_.key("incomplete");
    w_.boolean(true);
  }
  p_.write_source(w_, l.trace_segment != 0 ? l.trace_segment : l.first_segment);
  w_.end_object();
  emit();
  p_.unpin();
}

}  // namespace claimkit::x12
