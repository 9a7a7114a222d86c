#pragma once

#include "core/buffers.hpp"

#include <emmintrin.h>

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "io/input.hpp"
#include "x12/delimiters.hpp"
#include "x12/segment.hpp"

namespace claimkit::x12 {

/// Something the reader noticed between segments (no values, positions only).
struct reader_notice {
  enum class kind { bad_isa, stray_text } what;
  std::uint64_t offset = 0;
  std::uint64_t line = 0;
  std::uint64_t bytes = 0;   // stray_text: how many bytes were skipped
  const char* problem = "";  // bad_isa: what is wrong
  const char* ta1_code = "";
};

/// Streams segments out of X12 text in constant memory. Tolerates a BOM or
/// any text before the first ISA, CR/LF/CRLF or spaces between segments,
/// indentation, line breaks inside segments (wrapped files), and takes each
/// interchange's delimiters from its own ISA.
class reader {
 public:
  explicit reader(io::input& in, std::size_t buffer_size = buffers::x12_read, std::size_t max_segment = 64u << 20);
  /// Reads the next segment; false at end of input.
  bool next(segment& seg);
  const delimiters& delims() const { return delims_; }
  /// True once any ISA was found.
  bool saw_isa() const { return saw_isa_; }
  /// Notices gathered during the last next() call.
  std::vector<reader_notice>& notices() { return notices_; }
  std::uint64_t bytes_read() const { return base_ + end_; }
  /// Keeps every segment returned from now on, and the one returned last,
  /// readable (its views valid) until unpin(): the buffer is then retired
  /// rather than reused. After unpin() the segment returned last stays
  /// readable until the next read, so a caller may pin again for it.
  void pin() { pinned_ = true; }
  void unpin();

 private:
  bool refill(std::size_t keep_from);
  bool find_isa();
  void set_delimiters(const delimiters& d);
  void split(const char* b, const char* e, segment& seg);
  void scan_block(std::size_t at);

  io::input& in_;
  void new_buffer(std::size_t size, std::size_t keep_from);
  std::unique_ptr<char[]> buf_;
  std::size_t cap_ = 0;
  std::vector<std::unique_ptr<char[]>> retired_;
  std::vector<std::unique_ptr<std::string>> side_;  // de-wrapped segments kept while pinned
  std::size_t side_used_ = 0;
  bool last_split_ = false;  // the segment returned last is in side_[side_used_ - 1]
  bool pinned_ = false;
  std::size_t max_segment_;
  std::size_t pos_ = 0, end_ = 0;
  std::uint64_t base_ = 0;  // file offset of buf_[0]
  std::uint64_t line_ = 1;
  std::uint64_t index_ = 0;
  bool eof_ = false;
  bool inside_ = false;
  bool saw_isa_ = false;
  delimiters delims_;
  std::vector<reader_notice> notices_;
  // Where the terminators, element separators and line breaks are in the 64
  // bytes from block_at_ (bit k: byte block_at_ + k); valid while block_ok_.
  struct block_masks {
    std::uint64_t term = 0, element = 0, line_break = 0;
  } block_;
  std::size_t block_at_ = 0;
  bool block_ok_ = false;
  // The delimiters scan_block looks for, each in every byte of a vector.
  struct splats {
    __m128i term, element, break1, break2;
  } splat_;
};

}  // namespace claimkit::x12
