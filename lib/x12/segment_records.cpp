#include "x12/segment_records.hpp"

namespace claimkit::x12 {

void segment_records::write_element(json::writer& w, std::string_view e) {
  const delimiters& d = p_.delims();
  if (d.repetition != '\0' && e.find(d.repetition) != std::string_view::npos) {
    w.begin_object();
    w.key("repeat");
    w.begin_array();
    std::size_t start = 0;
    for (;;) {
      std::size_t p = e.find(d.repetition, start);
      write_element(w, e.substr(start, p == std::string_view::npos ? std::string_view::npos : p - start));
      if (p == std::string_view::npos) break;
      start = p + 1;
    }
    w.end_array();
    w.end_object();
    return;
  }
  if (e.find(d.component) == std::string_view::npos) {
    w.string(e);
    return;
  }
  w.begin_array();
  std::size_t start = 0;
  for (;;) {
    std::size_t p = e.find(d.component, start);
    w.string(e.substr(start, p == std::string_view::npos ? std::string_view::npos : p - start));
    if (p == std::string_view::npos) break;
    start = p + 1;
  }
  w.end_array();
}

void segment_records::on_segment(const segment& seg) {
  std::string& out = p_.out();
  json::writer w(out);
  w.begin_object();
  w.key("type"); w.string("segment");
  w.key("tag"); w.string(seg.tag());
  w.key("elements");
  w.begin_array();
  // ISA carries the delimiters themselves as values: never split it.
  const bool raw = seg.tag() == "ISA";
  for (std::size_t i = 1; i < seg.elements.size(); ++i) {
    if (raw) w.string(seg.elements[i]); else write_element(w, seg.elements[i]);
  }
  w.end_array();
  w.key("line"); w.integer(static_cast<std::int64_t>(seg.line));
  w.key("byte"); w.integer(static_cast<std::int64_t>(seg.offset));
  const envelope& env = p_.env();
  if (!env.transaction.empty() && seg.tag() != "ISA" && seg.tag() != "GS" && seg.tag() != "GE" && seg.tag() != "IEA") {
    w.key("position"); w.integer(static_cast<std::int64_t>(env.position));
  }
  p_.write_source(w, seg.index);
  w.end_object();
  out.push_back('\n');
  p_.record_done();
}

}  // namespace claimkit::x12
