#include "x12/claims.hpp"

#include <charconv>

#include <fmt/format.h>

#include "x12/values.hpp"

namespace claimkit::x12 {

void party::reset() {
  entity.clear(); type.clear(); last.clear(); first.clear(); middle.clear(); suffix.clear();
  qualifier.clear(); id.clear(); dob.clear(); gender.clear();
  present = false;
}

void status_entry::reset() {
  category.clear(); code.clear(); entity.clear(); code_list.clear(); effective_date.clear(); action_code.clear();
  amount.clear(); paid_amount.clear(); adjudication_date.clear(); payment_method.clear(); paid_date.clear();
  check_number.clear(); message.clear();
}

void service_line::reset() {
  qualifier.clear(); procedure.clear(); description.clear(); billed.clear(); paid.clear(); revenue_code.clear();
  units.clear(); line_id.clear(); date.clear(); date_from.clear(); date_to.clear();
  n_modifiers = 0;
  statuses.clear();
}

void claims_handler::level::reset() {
  id.clear();
  kind = level_kind::other;
  who.reset();
  trace.clear();
  statuses.clear();
  accepted_count.clear(); rejected_count.clear(); accepted_amount.clear(); rejected_amount.clear();
  first_segment = 0;
  pending = false;
  had_claim = false;
  has_children = false;
}

void claims_handler::begin(const segment& st) {
  request_ = st[1] == "276";
  st_where_.set(st);
  depth_ = 0;
  last_hl_ = 0;
  saw_hl_ = false;
  claim_.open = false;
  line_ = nullptr;
}

void claims_handler::end(bool complete) {
  if (!saw_hl_ && complete) {
    p_.finding(st_where_.at(), "missing_segment", "IK304=3", "transaction set has no HL segment: no claims in it");
  }
  close_claim();
  for (std::size_t i = depth_; i-- > 0;) {
    if (levels_[i].pending) flush_batch(levels_[i]);
  }
  depth_ = 0;
}

bool claims_handler::claim_level() const {
  if (depth_ == 0) return false;
  level_kind k = levels_[depth_ - 1].kind;
  return k == level_kind::subscriber || k == level_kind::dependent;
}

const party* claims_handler::find_party(level_kind k) const {
  for (std::size_t i = depth_; i-- > 0;) {
    if (levels_[i].kind == k && levels_[i].who.present) return &levels_[i].who;
  }
  return nullptr;
}

void claims_handler::date_field(const segment& seg, std::string_view value, std::string& out) {
  out.clear();
  if (value.empty()) return;
  if (!convert_date(value, out)) {
    out.clear();
    p_.finding(seg, "invalid_date", "IK403=8", fmt::format("{} has a date that is not a valid CCYYMMDD date", seg.tag()));
  }
}

void claims_handler::on_segment(const segment& seg) {
  std::string_view tag = seg.tag();
  if (tag == "HL") return on_hl(seg);
  if (tag == "BHT") return;
  if (!saw_hl_) return;
  level* lv = current();
  if (tag == "NM1") return on_nm1(seg);
  if (tag == "TRN") return on_trn(seg);
  if (tag == "STC") {
    if (claim_.open) return on_stc(seg, line_ != nullptr ? line_->statuses : claim_.statuses);
    if (claim_level()) {
      p_.finding(seg, "missing_segment", "IK304=3", "STC segment without a TRN claim status tracking number before it");
      open_claim(seg, false);
      return on_stc(seg, claim_.statuses);
    }
    if (lv != nullptr) {
      if (lv->first_segment == 0) lv->first_segment = seg.index;
      lv->pending = true;
      on_stc(seg, lv->statuses);
    }
    return;
  }
  if (tag == "REF") {
    if (!claim_.open) return;
    std::string_view q = seg[1];
    if (line_ != nullptr) {
      if (q == "FJ") line_->line_id.assign(seg[2]);
      return;
    }
    if (q == "1K") claim_.payer_claim_id.assign(seg[2]);
    else if (q == "EJ") claim_.patient_account.assign(seg[2]);
    else if (q == "BLT") claim_.bill_type.assign(seg[2]);
    else if (q == "D9") claim_.trace_d9.assign(seg[2]);
    return;
  }
  if (tag == "DTP") return on_dtp(seg);
  if (tag == "SVC") return on_svc(seg);
  if (tag == "AMT") {
    if (claim_.open) {
      if (seg[1] == "T3" && line_ == nullptr) claim_.billed.assign(seg[2]);
    } else if (lv != nullptr) {
      if (seg[1] == "YU") lv->accepted_amount.assign(seg[2]);
      else if (seg[1] == "YY") lv->rejected_amount.assign(seg[2]);
      else return;
      lv->pending = lv->pending || !lv->statuses.empty();
    }
    return;
  }
  if (tag == "QTY") {
    if (!claim_.open && lv != nullptr) {
      if (seg[1] == "90") lv->accepted_count.assign(seg[2]);
      else if (seg[1] == "AA") lv->rejected_count.assign(seg[2]);
    }
    return;
  }
  if (tag == "DMG") {
    if (lv != nullptr && !claim_.open) {
      lv->who.present = true;
      if (seg[1] == "D8") date_field(seg, seg[2], lv->who.dob);
      lv->who.gender.assign(seg[3]);
    }
    return;
  }
}

void claims_handler::on_hl(const segment& seg) {
  close_claim();
  if (depth_ > 0 && levels_[depth_ - 1].pending) flush_batch(levels_[depth_ - 1]);
  saw_hl_ = true;
  std::string_view id = seg[1], parent = seg[2], code = seg[3];
  std::uint64_t n = 0;
  auto r = std::from_chars(id.data(), id.data() + id.size(), n);
  if (id.empty() || r.ec != std::errc() || r.ptr != id.data() + id.size() || n != last_hl_ + 1) {
    p_.finding(seg, "hl_sequence", "IK403=I12", "HL01 is not one more than the previous HL01");
  }
  if (r.ec == std::errc()) last_hl_ = n;

  level_kind kind = level_kind::other;
  if (code == "20") kind = level_kind::source;
  else if (code == "21") kind = level_kind::receiver;
  else if (code == "19") kind = level_kind::provider;
  else if (code == "22") kind = level_kind::subscriber;
  else if (code == "23" || code == "PT") kind = level_kind::dependent;

  std::size_t new_depth = 0;
  if (!parent.empty()) {
    bool found = false;
    for (std::size_t i = depth_; i-- > 0;) {
      if (levels_[i].id == parent) {
        new_depth = i + 1;
        found = true;
        break;
      }
    }
    if (!found) {
      p_.finding(seg, "hl_parent", "IK403=I12", "HL02 does not name an open parent HL; placed by its level code");
      new_depth = 0;
      while (new_depth < depth_ && levels_[new_depth].kind != level_kind::other &&
             static_cast<int>(levels_[new_depth].kind) < static_cast<int>(kind)) {
        ++new_depth;
      }
    }
  }
  // Levels being closed: a leaf patient level must have carried a claim.
  for (std::size_t i = depth_; i-- > new_depth;) {
    level& l = levels_[i];
    if ((l.kind == level_kind::subscriber || l.kind == level_kind::dependent) && !l.had_claim && !l.has_children) {
      p_.finding(l.where.at(), "missing_segment", "IK304=3",
                 fmt::format("HL at segment {} has no TRN claim status tracking number", l.first_segment));
    }
  }
  if (levels_.size() <= new_depth) levels_.emplace_back();
  level& l = levels_[new_depth];
  l.reset();
  l.id.assign(id);
  l.kind = kind;
  l.first_segment = seg.index;
  l.where.set(seg);
  l.has_children = seg[4] == "1";
  depth_ = new_depth + 1;
}

void claims_handler::on_nm1(const segment& seg) {
  level* lv = current();
  if (lv == nullptr || claim_.open) return;
  party& p = lv->who;
  // DMG may come before NM1 (276): keep what it set.
  std::string dob = std::move(p.dob), gender = std::move(p.gender);
  p.reset();
  p.dob = std::move(dob);
  p.gender = std::move(gender);
  p.present = true;
  p.entity.assign(seg[1]);
  p.type.assign(seg[2]);
  p.last.assign(seg[3]);
  p.first.assign(seg[4]);
  p.middle.assign(seg[5]);
  p.suffix.assign(seg[7]);
  p.qualifier.assign(seg[8]);
  p.id.assign(seg[9]);
}

void claims_handler::on_trn(const segment& seg) {
  if (claim_level()) {
    open_claim(seg, true);
    claim_.id.assign(seg[2]);
    return;
  }
  level* lv = current();
  if (lv != nullptr) lv->trace.assign(seg[2]);
}

void claims_handler::open_claim(const segment& seg, bool has_trn) {
  close_claim();
  claim_.open = true;
  claim_.has_trn = has_trn;
  claim_.first_segment = seg.index;
  claim_.where.set(seg);
  claim_.id.clear(); claim_.payer_claim_id.clear(); claim_.patient_account.clear(); claim_.bill_type.clear();
  claim_.trace_d9.clear(); claim_.service_from.clear(); claim_.service_to.clear(); claim_.billed.clear();
  claim_.statuses.clear();
  claim_.lines.clear();
  line_ = nullptr;
  if (level* lv = current()) lv->had_claim = true;
}

void claims_handler::on_stc(const segment& seg, pool<status_entry>& into) {
  const char c = p_.delims().component;
  for (int which : {1, 10, 11}) {
    std::string_view comp = seg[static_cast<std::size_t>(which)];
    if (comp.empty()) continue;
    status_entry& s = into.add();
    s.category.assign(component(comp, 1, c));
    s.code.assign(component(comp, 2, c));
    s.entity.assign(component(comp, 3, c));
    s.code_list.assign(component(comp, 4, c));
    date_field(seg, seg[2], s.effective_date);
    s.action_code.assign(seg[3]);
    if (which == 1) {
      s.amount.assign(seg[4]);
      s.paid_amount.assign(seg[5]);
      date_field(seg, seg[6], s.adjudication_date);
      s.payment_method.assign(seg[7]);
      date_field(seg, seg[8], s.paid_date);
      s.check_number.assign(seg[9]);
      s.message.assign(seg[12]);
    }
  }
  if (seg[1].empty()) p_.finding(seg, "missing_element", "IK403=1", "STC01 claim status is empty");
}

void claims_handler::on_dtp(const segment& seg) {
  if (!claim_.open || seg[1] != "472") return;
  std::string_view fmt_code = seg[2], value = seg[3];
  std::string& from = line_ != nullptr ? line_->date_from : claim_.service_from;
  std::string& to = line_ != nullptr ? line_->date_to : claim_.service_to;
  bool ok;
  if (fmt_code == "RD8") {
    ok = convert_range(value, from, to);
  } else {
    ok = convert_date(value, from);
    to = from;
  }
  if (!ok) {
    from.clear();
    to.clear();
    p_.finding(seg, "invalid_date", "IK403=8", "DTP03 service date is not a valid date or range");
  }
  if (line_ != nullptr && ok && from == to) {
    line_->date = from;
    from.clear();
    to.clear();
  }
}

void claims_handler::on_svc(const segment& seg) {
  if (!claim_.open) return;
  const char c = p_.delims().component;
  line_ = &claim_.lines.add();
  std::string_view s1 = seg[1];
  line_->qualifier.assign(component(s1, 1, c));
  line_->procedure.assign(component(s1, 2, c));
  for (std::size_t i = 3; i <= 6; ++i) {
    std::string_view m = component(s1, i, c);
    if (m.empty()) continue;
    if (line_->modifiers.size() <= line_->n_modifiers) line_->modifiers.emplace_back();
    line_->modifiers[line_->n_modifiers++].assign(m);
  }
  line_->description.assign(component(s1, 7, c));
  line_->billed.assign(seg[2]);
  line_->paid.assign(seg[3]);
  line_->revenue_code.assign(seg[4]);
  line_->units.assign(seg[7]);
}

void claims_handler::close_claim() {
  if (!claim_.open) return;
  claim_.open = false;
  line_ = nullptr;
  if (!request_ && claim_.statuses.empty()) {
    p_.finding(claim_.where.at(), "missing_segment", "IK304=3", "claim has no STC claim status segment");
  }
  if (request_) write_request(); else write_claim();
}

void claims_handler::write_party_org(json::writer& w, std::string_view key, const party& p) {
  w.key(key);
  w.begin_object();
  w.field("name", p.last);
  w.field("first_name", p.first);
  w.field("id", p.id);
  w.field("id_qualifier", p.qualifier);
  if (p.qualifier == "XX") w.field("npi", p.id);
  if (p.qualifier == "FI") w.field("tax_id", p.id);
  w.end_object();
}

void claims_handler::write_person(json::writer& w, std::string_view key, const party& p) {
  w.key(key);
  w.begin_object();
  w.field("member_id", p.id);
  w.field("last_name", p.last);
  w.field("first_name", p.first);
  w.field("middle_name", p.middle);
  w.field("suffix", p.suffix);
  w.field("dob", p.dob);
  w.field("gender", p.gender);
  w.end_object();
}

void claims_handler::write_statuses(json::writer& w, const pool<status_entry>& st, bool) {
  w.key("statuses");
  w.begin_array();
  for (const auto& s : st) {
    w.begin_object();
    w.field("category", s.category);
    w.field("code", s.code);
    w.field("entity", s.entity);
    w.field("code_list", s.code_list);
    w.field("effective_date", s.effective_date);
    w.field("action_code", s.action_code);
    w.decimal_field("amount", s.amount);
    w.decimal_field("paid_amount", s.paid_amount);
    w.field("adjudication_date", s.adjudication_date);
    w.field("payment_method", s.payment_method);
    w.field("paid_date", s.paid_date);
    w.field("check_number", s.check_number);
    w.field("message", s.message);
    w.end_object();
  }
  w.end_array();
}

void claims_handler::write_lines(json::writer& w, bool request) {
  if (claim_.lines.empty()) return;
  w.key("lines");
  w.begin_array();
  for (const auto& l : claim_.lines) {
    w.begin_object();
    w.field("line_id", l.line_id);
    w.field("procedure", l.procedure);
    w.field("procedure_qualifier", l.qualifier);
    if (l.n_modifiers > 0) {
      w.key("modifiers");
      w.begin_array();
      for (std::size_t i = 0; i < l.n_modifiers; ++i) w.string(l.modifiers[i]);
      w.end_array();
    }
    w.field("description", l.description);
    w.decimal_field("billed_amount", l.billed);
    w.decimal_field("paid_amount", l.paid);
    w.field("revenue_code", l.revenue_code);
    w.decimal_field("units", l.units);
    w.field("service_date", l.date);
    w.field("service_date_from", l.date_from);
    w.field("service_date_to", l.date_to);
    if (!request && !l.statuses.empty()) write_statuses(w, l.statuses, false);
    w.end_object();
  }
  w.end_array();
}

void claims_handler::write_claim() {
  std::string& out = p_.out();
  json::writer w(out);
  w.begin_object();
  w.key("type"); w.string("claim_status");
  w.field("claim_id", claim_.id);
  w.field("payer_claim_id", claim_.payer_claim_id);
  w.field("patient_account_number", claim_.patient_account);
  w.field("bill_type", claim_.bill_type);
  w.field("clearinghouse_trace", claim_.trace_d9);
  if (const party* p = find_party(level_kind::source)) write_party_org(w, "payer", *p);
  if (const party* p = find_party(level_kind::receiver)) write_party_org(w, "receiver", *p);
  if (const party* p = find_party(level_kind::provider)) write_party_org(w, "provider", *p);
  if (const party* p = find_party(level_kind::subscriber)) write_person(w, "subscriber", *p);
  if (const party* p = find_party(level_kind::dependent)) write_person(w, "patient", *p);
  w.field("service_from", claim_.service_from);
  w.field("service_to", claim_.service_to);
  for (const auto& s : claim_.statuses) {
    if (!s.amount.empty()) { w.decimal_field("billed_amount", s.amount); break; }
  }
  for (const auto& s : claim_.statuses) {
    if (!s.paid_amount.empty()) { w.decimal_field("paid_amount", s.paid_amount); break; }
  }
  write_statuses(w, claim_.statuses, true);
  write_lines(w, false);
  p_.write_source(w, claim_.first_segment);
  w.end_object();
  out.push_back('\n');
  p_.record_done();
}

void claims_handler::write_request() {
  std::string& out = p_.out();
  json::writer w(out);
  w.begin_object();
  w.key("type"); w.string("claim_status_request");
  w.field("claim_id", claim_.id);
  if (const party* p = find_party(level_kind::source)) {
    w.field("payer_id", p->id);
    w.field("payer_name", p->last);
  }
  if (const party* p = find_party(level_kind::receiver)) {
    w.key("receiver");
    w.begin_object();
    w.field("id", p->id);
    w.field("name", p->last);
    w.end_object();
  }
  if (const party* p = find_party(level_kind::provider)) {
    w.key("provider");
    w.begin_object();
    if (p->qualifier == "XX") w.field("npi", p->id);
    else if (p->qualifier == "FI") w.field("tax_id", p->id);
    else { w.field("id", p->id); w.field("id_qualifier", p->qualifier); }
    w.field("name", p->last);
    w.field("first_name", p->first);
    w.end_object();
  }
  if (const party* p = find_party(level_kind::subscriber)) write_person(w, "subscriber", *p);
  if (const party* p = find_party(level_kind::dependent)) write_person(w, "patient", *p);
  w.field("service_from", claim_.service_from);
  w.field("service_to", claim_.service_to);
  w.decimal_field("billed_amount", claim_.billed);
  w.field("payer_claim_id", claim_.payer_claim_id);
  w.field("bill_type", claim_.bill_type);
  w.field("patient_account_number", claim_.patient_account);
  w.field("clearinghouse_trace", claim_.trace_d9);
  write_lines(w, true);
  p_.write_source(w, claim_.first_segment);
  w.end_object();
  out.push_back('\n');
  p_.record_done();
}

void claims_handler::flush_batch(level& l) {
  l.pending = false;
  if (l.statuses.empty()) return;
  std::string& out = p_.out();
  json::writer w(out);
  w.begin_object();
  w.key("type"); w.string("batch_status");
  w.key("level");
  w.string(l.kind == level_kind::receiver ? "information_receiver"
           : l.kind == level_kind::provider ? "provider"
           : l.kind == level_kind::source   ? "information_source"
                                            : "other");
  w.field("trace", l.trace);
  if (const party* p = find_party(level_kind::source)) write_party_org(w, "payer", *p);
  if (const party* p = find_party(level_kind::receiver)) write_party_org(w, "receiver", *p);
  if (l.kind == level_kind::provider && l.who.present) write_party_org(w, "provider", l.who);
  write_statuses(w, l.statuses, true);
  w.decimal_field("accepted_count", l.accepted_count);
  w.decimal_field("rejected_count", l.rejected_count);
  w.decimal_field("accepted_amount", l.accepted_amount);
  w.decimal_field("rejected_amount", l.rejected_amount);
  p_.write_source(w, l.first_segment);
  w.end_object();
  out.push_back('\n');
  p_.record_done();
}

}  // namespace claimkit::x12
