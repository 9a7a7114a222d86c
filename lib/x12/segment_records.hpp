#pragma once

#include <string>

#include "json/writer.hpp"
#include "x12/parser.hpp"

namespace claimkit::x12 {

/// --segments: one `segment` record per segment of any X12, with elements
/// split into components and repetitions, and its envelope and position.
class segment_records : public transaction_handler {
 public:
  explicit segment_records(parser& p) : p_(p) {}
  void begin(const segment&) override {}
  void on_segment(const segment& seg) override;
  void end(bool) override {}
  /// Writes the records gathered so far (call at the end of each input).
  void finish();

 private:
  void write_element(std::string_view e);
  parser& p_;
  json::writer w_;
  json::writer part_;
  // The source object less its segment number; the envelope only changes
  // around envelope segments, so it is rendered again only there.
  std::string source_json_;
  bool source_stale_ = true;
};

}  // namespace claimkit::x12
