#include "x12/segment_records.hpp"

namespace claimkit::x12 {

void segment_records::write_element(std::string_view e) {
  const delimiters& d = p_.delims();
  if (d.repetition != '\0' && e.find(d.repetition) != std::string_view::npos) {
    w_.begin_object();
    w_.key("repeat");
    w_.begin_array();
    std::size_t start = 0;
    for (;;) {
      std::size_t p = e.find(d.repetition, start);
      write_element(e.substr(start, p == std::string_view::npos ? std::string_view::npos : p - start));
      if (p == std::string_view::npos) break;
      start = p + 1;
    }
    w_.end_array();
    w_.end_object();
    return;
  }
  if (e.find(d.component) == std::string_view::npos) {
    w_.padded_string(e);
    return;
  }
  w_.begin_array();
  std::size_t start = 0;
  for (;;) {
    std::size_t p = e.find(d.component, start);
    w_.padded_string(e.substr(start, p == std::string_view::npos ? std::string_view::npos : p - start));
    if (p == std::string_view::npos) break;
    start = p + 1;
  }
  w_.end_array();
}

void segment_records::on_segment(const segment& seg) {
  const std::string_view tag = seg.tag();
  const bool envelope_segment =
      tag == "ISA" || tag == "GS" || tag == "ST" || tag == "SE" || tag == "GE" || tag == "IEA" || tag == "TA1";
  if (envelope_segment || source_stale_) {
    std::swap(w_, part_);
    w_.clear();
    w_.begin_object();
    p_.write_source(w_, 0);
    std::string_view v = w_.view();
    source_json_.assign(v.substr(1, v.size() - 2));  // "source":{... (left open)
    std::swap(w_, part_);
    source_stale_ = envelope_segment;
  }
  w_.begin_record();
  w_.begin_object();
  w_.key("type");
  w_.raw("\"segment\"");
  w_.key("tag");
  w_.padded_string(tag);
  w_.key("elements");
  w_.begin_array();
  // ISA carries the delimiters themselves as values: never split it.
  const bool raw = tag == "ISA";
  for (std::size_t i = 1; i < seg.elements.size(); ++i) {
    if (raw) w_.padded_string(seg.elements[i]);
    else write_element(seg.elements[i]);
  }
  w_.end_array();
  w_.key("line");
  w_.integer(seg.line);
  w_.key("byte");
  w_.integer(seg.offset);
  const envelope& env = p_.env();
  if (!env.transaction.empty() && tag != "ISA" && tag != "GS" && tag != "GE" && tag != "IEA") {
    w_.key("position");
    w_.integer(env.position);
  }
  w_.members(source_json_);
  w_.key("segment");
  w_.integer(seg.index);
  w_.end_object();
  w_.end_object();
  w_.newline();
  p_.record_done(w_);
}

void segment_records::finish() { p_.flush_records(w_); }

}  // namespace claimkit::x12
