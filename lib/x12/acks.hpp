#pragma once

#include <string>
#include <vector>

#include "x12/parser.hpp"

namespace claimkit::x12 {

/// Reads 999 (005010X231) and 997 acknowledgments and TA1 segments: one
/// `ack` record per transaction response (AK2 ... IK5/AK5), one per group
/// response (AK9) and one per TA1.
class acks_handler : public transaction_handler {
 public:
  explicit acks_handler(parser& p) : p_(p) {}
  void begin(const segment& st) override;
  void on_segment(const segment& seg) override;
  void end(bool complete) override;
  void on_ta1(const segment& seg);

 private:
  struct error_entry {
    std::string segment_id, segment_position, loop_id, element_position, component_position, repetition_position,
        element_reference, code;
    bool element = false;
  };
  void flush_transaction(const segment* at, bool incomplete = false);
  void write_group(const segment* ak9, bool incomplete = false);

  parser& p_;
  std::string functional_id_, group_, version_;
  bool open_ = false;
  std::string set_, control_, set_version_, code_;
  std::vector<std::string> syntax_;
  std::vector<error_entry> errors_;
  std::string last_segment_id_, last_segment_position_;
  std::uint64_t first_segment_ = 0;
  bool saw_ak1_ = false, saw_ak9_ = false, told_no_ak1_ = false;
  std::uint64_t ak1_segment_ = 0;
  segment st_at_;  // where the transaction set began (position only)
};

}  // namespace claimkit::x12
