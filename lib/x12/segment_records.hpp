#pragma once

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

 private:
  void write_element(json::writer& w, std::string_view e);
  parser& p_;
};

}  // namespace claimkit::x12
