#pragma once

#include "core/buffers.hpp"
#include "core/cpu.hpp"
#include "core/simd.hpp"

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "io/input.hpp"
#include "x12/delimiters.hpp"
#include "x12/segment.hpp"
#include "x12/values.hpp"

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

/// The vector width reader uses to find delimiters. Every choice gives the
/// same segments; the reader takes the widest the CPU has, and tests pin
/// each in turn. Returns false (and changes nothing) when the CPU lacks it.
bool use_scan_isa(cpu::vector_isa isa);

/// Where the terminators, element separators, line breaks (other than the
/// terminator) and bytes a JSON string would escape are in 64 bytes of text
/// (bit k: byte k).
using block_masks = simd::block_masks;
using block_bytes = simd::block_bytes;
/// Fills m for the 64 bytes at p (all readable), with the widest vectors
/// chosen by use_scan_isa.
void scan_block_at(const char* p, const block_bytes& b, block_masks& m);

/// Streams segments out of X12 text in constant memory. Tolerates a BOM or
/// any text before the first ISA, CR/LF/CRLF or spaces between segments,
/// indentation, line breaks inside segments (wrapped files), and takes each
/// interchange's delimiters from its own ISA.
class reader {
 public:
  explicit reader(io::input& in, std::size_t buffer_size = buffers::x12_read, std::size_t max_segment = 64u << 20);
  reader(const reader&) = delete;
  reader& operator=(const reader&) = delete;
  ~reader();
  /// Reads the next segment; false at end of input.
  [[gnu::always_inline]] bool next(segment& seg) {
    if (fast_ok_ && next_fast(seg)) [[likely]]
      return true;
    return next_general(seg);
  }
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
  bool next_general(segment& seg);
  bool next_any(segment& seg);
  [[gnu::always_inline]] inline bool next_fast(segment& seg);
  bool refill(std::size_t keep_from);
  bool find_isa();
  void set_delimiters(const delimiters& d);
  void split(const char* b, const char* e, segment& seg);
  void scan_block(std::size_t at);
  std::uint64_t isa_after_break(std::size_t at, std::uint64_t breaks, bool& need_more) const;

  io::input& in_;
  void new_buffer(std::size_t size, std::size_t keep_from);
  std::unique_ptr<char[]> buf_;
  char* data_ = nullptr;  // the bytes [0, end_): buf_, or within the mapped window
  // The mapped window of the file while reading through one (see
  // start_mapping): [map_at_, map_at_ + map_len_) at map_.
  bool mapping_ = false;
  char* map_ = nullptr;
  std::size_t map_len_ = 0, window_ = 0, page_ = 4096, cap_buffer_ = 0;
  std::uint64_t map_at_ = 0, file_size_ = 0;
  std::vector<std::pair<char*, std::size_t>> retired_maps_;  // windows in use while pinned
  void start_mapping(std::size_t buffer_size);
  bool next_window(std::size_t keep_from);
  void release_window();
  void stop_mapping(std::size_t keep_from);
  std::size_t cap_ = 0;
  std::vector<std::pair<std::unique_ptr<char[]>, std::size_t>> retired_;  // with their capacities
  std::unique_ptr<char[]> spare_;                                         // a retired buffer kept for reuse
  std::size_t spare_cap_ = 0;
  void unpin_retired();
  std::vector<std::unique_ptr<std::string>> side_;  // de-wrapped segments kept while pinned
  std::size_t side_used_ = 0;
  bool last_split_ = false;  // the segment returned last is in side_[side_used_ - 1]
  bool pinned_ = false;
  std::size_t max_segment_;
  std::size_t pos_ = 0, end_ = 0;
  std::uint64_t base_ = 0;  // file offset of data_[0]
  std::uint64_t line_ = 1;
  std::uint64_t index_ = 0;
  bool eof_ = false;
  bool inside_ = false;
  bool saw_isa_ = false;
  delimiters delims_;
  std::vector<reader_notice> notices_;
  // Where the terminators, element separators and line breaks are in the 64
  // bytes from block_at_ (bit k: byte block_at_ + k); valid while block_ok_.
  block_masks block_;
  std::size_t block_at_ = 0;
  bool block_ok_ = false;
  // next_fast may be tried: inside an interchange whose terminator is not a
  // line break, with no notices pending and no wrapped segment kept aside.
  bool fast_ok_ = false;
  // The bytes scan_block looks for.
  block_bytes look_for_;
};

// The usual segment, read in one pass over the cached block masks: it starts
// right after the previous terminator (or one line break later) and ends in
// the buffer, with no line break inside. Anything else (gaps of other kinds,
// an ISA or IEA, a refill, a wrapped segment) returns false having changed
// nothing but seg's elements and the block cache, and next_general reads the
// segment instead.
inline bool reader::next_fast(segment& seg) {
  const char* const base = data_;
  std::size_t p = pos_;
  std::uint64_t line = line_;
  if (p + 1 >= end_) return false;
  unsigned char c = static_cast<unsigned char>(base[p]);
  if (c == '\n') {
    ++line;
    c = static_cast<unsigned char>(base[++p]);
  } else if (c == '\r' && base[p + 1] == '\n') {
    ++line;
    p += 2;
    if (p >= end_) return false;
    c = static_cast<unsigned char>(base[p]);
  }
  // Every gap byte is at most ' '; 'I' may begin an ISA or IEA.
  if (c <= ' ' || c == 'I' || c == static_cast<unsigned char>(delims_.segment)) return false;

  seg.elements.clear();
  std::string_view* out = seg.elements.room(130);
  std::string_view* const first = out;
  const char* el = base + p;
  std::size_t i = p;
  std::size_t term_at;
  std::uint64_t special = 0;
  for (int blocks = 0;; ++blocks) {
    if (!block_ok_ || i < block_at_ || i >= block_at_ + 64) scan_block(i);
    const unsigned shift = static_cast<unsigned>(i - block_at_);
    std::uint64_t mt = block_.term >> shift;
    std::uint64_t me = block_.element >> shift;
    std::uint64_t mb = block_.line_break >> shift;
    const char* at = base + i;
    if (mt != 0) {
      const std::uint64_t before = (mt & (0 - mt)) - 1;
      if ((mb & before) != 0) return false;
      special |= block_.special >> shift & before;
      me &= before;
      while (me != 0) {
        const char* q = at + __builtin_ctzll(me);
        *out++ = std::string_view(el, static_cast<std::size_t>(q - el));
        el = q + 1;
        me &= me - 1;
      }
      term_at = i + static_cast<std::size_t>(__builtin_ctzll(mt));
      *out++ = std::string_view(el, static_cast<std::size_t>(base + term_at - el));
      break;
    }
    // The segment goes on past this block: only short runs of blocks here
    // (the element room is for two).
    if (mb != 0 || blocks == 1) return false;
    special |= block_.special >> shift;
    while (me != 0) {
      const char* q = at + __builtin_ctzll(me);
      *out++ = std::string_view(el, static_cast<std::size_t>(q - el));
      el = q + 1;
      me &= me - 1;
    }
    i = block_at_ + 64;
    if (i >= end_) return false;
  }
  seg.elements.set_size(static_cast<std::size_t>(out - first));
  seg.index = ++index_;
  seg.offset = base_ + p;
  seg.line = line;
  line_ = line;
  seg.too_long = false;
  seg.unterminated = false;
  seg.plain = special == 0;
  seg.text = std::string_view(base + p, term_at - p);
  seg.code = tag_code(first[0]);
  seg.ordinary = ordinary_segment_id(first[0], seg.code);
  pos_ = term_at + 1;
  if (!pinned_) side_used_ = 0;
  last_split_ = false;
  return true;
}

}  // namespace claimkit::x12
