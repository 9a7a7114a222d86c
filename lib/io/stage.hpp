#pragma once

#include "core/buffers.hpp"

#include <cstdint>
#include <string>

#include "io/output.hpp"

namespace claimkit::io {

/// Output held back until it is known to be good (x12-parse --strict holds
/// each interchange). Stays in memory up to a limit, then spills to an
/// unlinked temporary file, so memory stays flat however large the input.
/// rollback() drops everything after a mark.
class stage {
 public:
  explicit stage(output& out, std::size_t memory_limit = buffers::stage_memory);
  ~stage();
  stage(const stage&) = delete;
  stage& operator=(const stage&) = delete;

  std::string& buffer() { return mem_; }
  /// Call after each record: spills when the memory part is over the limit.
  void record_done() {
    if (mem_.size() >= limit_) spill();
  }
  std::uint64_t mark() const { return spilled_ + mem_.size(); }
  void rollback(std::uint64_t mark);
  /// Writes everything held to the output and empties the stage.
  void commit();

 private:
  void spill();
  output& out_;
  std::size_t limit_;
  std::string mem_;
  int fd_ = -1;
  std::uint64_t spilled_ = 0;
};

}  // namespace claimkit::io
