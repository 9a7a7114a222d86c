#include "x12/acks.hpp"

#include "json/writer.hpp"
#include "x12/values.hpp"

namespace claimkit::x12 {
namespace {

bool accepted_code(std::string_view c) { return c == "A" || c == "E"; }

void write_syntax(json::writer& w, const std::vector<std::string>& codes) {
  if (codes.empty()) return;
  w.key("syntax_errors");
  w.begin_array();
  for (const auto& c : codes) w.string(c);
  w.end_array();
}

}  // namespace

void acks_handler::begin(const segment& st) {
  functional_id_.clear();
  group_.clear();
  version_.clear();
  open_ = false;
  saw_ak1_ = saw_ak9_ = told_no_ak1_ = false;
  ak1_segment_ = 0;
  st_at_.index = st.index;
  st_at_.offset = st.offset;
  st_at_.line = st.line;
}

void acks_handler::end(bool complete) {
  // Cut off (no SE): what is still open is written, marked incomplete.
  if (open_) flush_transaction(nullptr, !complete);
  if (saw_ak9_) return;
  if (complete) {
    p_.finding(st_at_, "missing_segment", "IK304=3",
               saw_ak1_ || told_no_ak1_
                   ? "acknowledgment has no AK9 segment: whether the group was accepted is not known"
                   : "acknowledgment has no AK1 or AK9 segment: it acknowledges nothing");
  }
  // The group answered is known from AK1 though its verdict is not.
  if (saw_ak1_) write_group(nullptr, !complete);
}

void acks_handler::on_segment(const segment& seg) {
  std::string_view tag = seg.tag();
  if (tag == "AK1") {
    saw_ak1_ = true;
    ak1_segment_ = seg.index;
    functional_id_.assign(seg[1]);
    group_.assign(seg[2]);
    version_.assign(seg[3]);
  } else if (tag == "AK2") {
    if (!saw_ak1_ && !told_no_ak1_) {
      told_no_ak1_ = true;
      p_.finding(seg, "missing_segment", "IK304=3",
                 "transaction response without an AK1 segment before it: the group it answers is not known");
    }
    if (open_) flush_transaction(&seg);
    open_ = true;
    set_.assign(seg[1]);
    control_.assign(seg[2]);
    set_version_.assign(seg[3]);
    code_.clear();
    syntax_.clear();
    errors_.clear();
    first_segment_ = seg.index;
  } else if (tag == "IK3" || tag == "AK3") {
    error_entry& e = errors_.emplace_back();
    e.segment_id.assign(seg[1]);
    e.segment_position.assign(seg[2]);
    e.loop_id.assign(seg[3]);
    e.code.assign(seg[4]);
    last_segment_id_ = e.segment_id;
    last_segment_position_ = e.segment_position;
  } else if (tag == "IK4" || tag == "AK4") {
    const char c = p_.delims().component;
    error_entry& e = errors_.emplace_back();
    e.element = true;
    e.segment_id = last_segment_id_;
    e.segment_position = last_segment_position_;
    e.element_position.assign(component(seg[1], 1, c));
    e.component_position.assign(component(seg[1], 2, c));
    e.repetition_position.assign(component(seg[1], 3, c));
    e.element_reference.assign(seg[2]);
    e.code.assign(seg[3]);
  } else if (tag == "IK5" || tag == "AK5") {
    if (!open_) {
      p_.finding(seg, "unexpected_segment", "IK304=7", "transaction response status without an AK2 before it");
      return;
    }
    code_.assign(seg[1]);
    for (std::size_t i = 2; i <= 6; ++i) {
      if (!seg[i].empty()) syntax_.emplace_back(seg[i]);
    }
    flush_transaction(nullptr);
  } else if (tag == "AK9") {
    if (!saw_ak1_ && !told_no_ak1_) {
      told_no_ak1_ = true;
      p_.finding(seg, "missing_segment", "IK304=3",
                 "group response without an AK1 segment before it: the group it answers is not known");
    }
    if (open_) flush_transaction(&seg);
    saw_ak9_ = true;
    write_group(&seg);
  }
}

void acks_handler::flush_transaction(const segment* at, bool incomplete) {
  open_ = false;
  if (code_.empty() && at != nullptr) {
    p_.finding(*at, "missing_segment", "IK304=3", "transaction response has no IK5/AK5 status segment");
  }
  std::string& out = p_.out();
  json::writer w(out);
  w.begin_object();
  w.key("type");
  w.string("ack");
  w.key("level");
  w.string("transaction");
  w.key("acknowledged");
  w.begin_object();
  w.field("group", group_);
  w.field("functional_id", functional_id_);
  w.field("transaction", control_);
  w.field("transaction_type", set_);
  w.field("version", set_version_.empty() ? version_ : set_version_);
  w.end_object();
  if (!code_.empty()) {
    w.key("accepted");
    w.boolean(accepted_code(code_));
    w.key("code");
    w.string(code_);
  }
  if (!errors_.empty()) {
    w.key("errors");
    w.begin_array();
    for (const auto& e : errors_) {
      w.begin_object();
      w.field("segment_id", e.segment_id);
      w.decimal_field("segment_position", e.segment_position);
      w.field("loop_id", e.loop_id);
      w.decimal_field("element_position", e.element_position);
      w.decimal_field("component_position", e.component_position);
      w.decimal_field("repetition_position", e.repetition_position);
      w.field("element_reference", e.element_reference);
      w.field("code", e.code);
      w.end_object();
    }
    w.end_array();
  }
  write_syntax(w, syntax_);
  if (incomplete) {
    w.key("incomplete");
    w.boolean(true);
  }
  p_.write_source(w, first_segment_);
  w.end_object();
  out.push_back('\n');
  p_.record_done();
}

// ak9: null when the transaction set has none (the record then names the
// group of AK1 and has no verdict).
void acks_handler::write_group(const segment* at, bool incomplete) {
  static const segment none;
  const segment& ak9 = at != nullptr ? *at : none;
  std::vector<std::string> syntax;
  for (std::size_t i = 5; i <= 9; ++i) {
    if (!ak9[i].empty()) syntax.emplace_back(ak9[i]);
  }
  std::string& out = p_.out();
  json::writer w(out);
  w.begin_object();
  w.key("type");
  w.string("ack");
  w.key("level");
  w.string("group");
  w.key("acknowledged");
  w.begin_object();
  w.field("group", group_);
  w.field("functional_id", functional_id_);
  w.field("version", version_);
  w.end_object();
  if (!ak9[1].empty()) {
    w.key("accepted");
    w.boolean(accepted_code(ak9[1]));
    w.key("code");
    w.string(ak9[1]);
  }
  w.decimal_field("transactions_included", ak9[2]);
  w.decimal_field("transactions_received", ak9[3]);
  w.decimal_field("transactions_accepted", ak9[4]);
  write_syntax(w, syntax);
  if (incomplete) {
    w.key("incomplete");
    w.boolean(true);
  }
  p_.write_source(w, at != nullptr ? ak9.index : ak1_segment_);
  w.end_object();
  out.push_back('\n');
  p_.record_done();
}

void acks_handler::on_ta1(const segment& seg) {
  // TA102 is YYMMDD; some senders write CCYYMMDD.
  std::string date;
  std::string_view d = seg[2];
  if (d.size() == 6) {
    std::string d8 = "20";
    d8.append(d);
    if (!convert_date(d8, date)) date.clear();
  } else if (d.size() == 8) {
    if (!convert_date(d, date)) date.clear();
  }
  if (!d.empty() && date.empty()) {
    p_.finding(seg, "invalid_date", "IK403=8", "TA102 is not a valid YYMMDD or CCYYMMDD date");
  }
  if (seg[4].empty()) p_.finding(seg, "missing_element", "IK403=1", "TA104 acknowledgment code is empty");
  if (seg[5].empty()) p_.finding(seg, "missing_element", "IK403=1", "TA105 interchange note code is empty");
  std::string& out = p_.out();
  json::writer w(out);
  w.begin_object();
  w.key("type");
  w.string("ack");
  w.key("level");
  w.string("interchange");
  w.key("acknowledged");
  w.begin_object();
  w.field("interchange", seg[1]);
  w.field("date", date);
  w.field("time", seg[3]);
  w.end_object();
  if (!seg[4].empty()) {
    w.key("accepted");
    w.boolean(accepted_code(seg[4]));
    w.key("code");
    w.string(seg[4]);
  }
  w.field("note_code", seg[5]);
  p_.write_source(w, seg.index);
  w.end_object();
  out.push_back('\n');
  p_.record_done();
}

}  // namespace claimkit::x12
