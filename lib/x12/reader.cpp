#include "x12/reader.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "core/error.hpp"

namespace claimkit::x12 {
namespace {

// Bytes readable past end_ in every buffer: the block scan loads 64 bytes
// from any position before end_, and segment values handed out (views into
// the buffer) may be loaded 16 or 32 bytes at a time (simd.hpp).
constexpr std::size_t kPad = simd::padding;

inline bool is_gap(char c) {
  // Between segments: line ends, indentation, NUL padding, DOS end-of-file.
  return c == '\n' || c == '\r' || c == ' ' || c == '\t' || c == '\0' || c == '\x1a';
}

}  // namespace

bool use_scan_isa(cpu::vector_isa isa) { return simd::use_block_isa(isa); }

void scan_block_at(const char* p, const block_bytes& b, block_masks& m) { simd::scan64(p, b, m); }

reader::reader(io::input& in, std::size_t buffer_size, std::size_t max_segment) : in_(in), max_segment_(max_segment) {
  buf_.reset(new char[buffer_size + kPad]);
  data_ = buf_.get();
  cap_buffer_ = buffer_size;
  start_mapping(buffer_size);
  cap_ = buffer_size;
  set_delimiters(delims_);
}

reader::~reader() {
  if (map_ != nullptr) ::munmap(map_, map_len_);
  for (auto& [m, len] : retired_maps_) ::munmap(m, len);
}

void reader::set_delimiters(const delimiters& d) {
  delims_ = d;
  block_ok_ = false;
  // A line break is data only when it is the terminator itself.
  const char term = d.segment;
  look_for_.term = term;
  look_for_.element = d.element;
  look_for_.break1 = term == '\n' ? '\r' : '\n';
  look_for_.break2 = term == '\r' ? '\n' : '\r';
}

void reader::unpin() {
  pinned_ = false;
  // Buffers retired while pinned hold only earlier segments: the segment
  // returned last is always in buf_ or in a side string. That side string is
  // kept (moved to the front) in case the caller pins again before the next
  // read and keeps views into the segment it is handling.
  if (!retired_.empty()) unpin_retired();
  for (auto& [m, len] : retired_maps_) ::munmap(m, len);
  retired_maps_.clear();
  if (last_split_) {
    std::swap(side_[0], side_[side_used_ - 1]);
    side_used_ = 1;
  } else {
    side_used_ = 0;
  }
}

void reader::unpin_retired() {
  // The largest is kept for the next new_buffer: a buffer allocated afresh at
  // every refill costs a page fault and a cleared page for each 4 KiB of it.
  for (auto& [b, cap] : retired_) {
    if (cap > spare_cap_) {
      spare_ = std::move(b);
      spare_cap_ = cap;
    }
  }
  retired_.clear();
}

void reader::new_buffer(std::size_t size, std::size_t keep_from) {
  std::unique_ptr<char[]> nb;
  if (spare_ && spare_cap_ >= size) {
    nb = std::move(spare_);
    size = spare_cap_;
    spare_cap_ = 0;
  } else {
    nb.reset(new char[size + kPad]);
  }
  std::memcpy(nb.get(), data_ + keep_from, end_ - keep_from);
  retired_.emplace_back(std::move(buf_), cap_);
  buf_ = std::move(nb);
  data_ = buf_.get();
  cap_ = size;
}

// Regular files big enough for a few windows are read through a read-only
// mapping, a window at a time: no read(2) copy. Each window maps one page
// more than it hands out, so the block scan's look past end_ stays in the
// file; the last stretch of the file (and anything a window cannot hold: a
// segment longer than one) is read into the buffer as for other inputs.
void reader::start_mapping(std::size_t buffer_size) {
  std::uint64_t size = 0, at = 0;
  if (!in_.regular_file(size, at)) return;
  page_ = io::input::page_size();
  window_ = (buffer_size + page_ - 1) / page_ * page_;
  if (at != 0 || page_ < kPad || size < 4 * (window_ + page_)) return;
  file_size_ = size;
  mapping_ = true;  // the first refill maps the first window
}

// Maps the window that holds file offset base_ + keep_from on; false when it
// would end within a page of the end of the file or add nothing to what is
// handed out now (then the buffer takes over).
bool reader::next_window(std::size_t keep_from) {
  const std::uint64_t from = base_ + keep_from;
  const std::uint64_t at = from & ~static_cast<std::uint64_t>(page_ - 1);
  const std::uint64_t stop = at + window_;  // handed out up to here
  if (stop + page_ > file_size_ || stop <= base_ + end_) return false;
  char* m = in_.map(at, window_ + page_);
  if (m == nullptr) return false;
  release_window();
  map_ = m;
  map_len_ = window_ + page_;
  map_at_ = at;
  data_ = map_ + (from - at);
  base_ = from;
  end_ = static_cast<std::size_t>(stop - from);
  cap_ = end_;
  pos_ -= std::min(pos_, keep_from);
  return true;
}

// The window goes, or waits for unpin() while segments in it are in use.
void reader::release_window() {
  if (map_ == nullptr) return;
  if (pinned_) retired_maps_.emplace_back(map_, map_len_);
  else ::munmap(map_, map_len_);
  map_ = nullptr;
}

// From the mapping to the buffer: the bytes from keep_from on are copied
// there and read(2) goes on after them.
void reader::stop_mapping(std::size_t keep_from) {
  const std::size_t keep = end_ - keep_from;
  std::size_t size = cap_buffer_;
  while (size < keep * 2) size *= 2;
  // The buffer made at the start held nothing while the windows served.
  std::unique_ptr<char[]> nb = size == cap_buffer_ ? std::move(buf_) : std::unique_ptr<char[]>(new char[size + kPad]);
  std::memcpy(nb.get(), data_ + keep_from, keep);
  if (::lseek(in_.fd(), static_cast<off_t>(base_ + end_), SEEK_SET) < 0) {
    throw error(cli::exit_code::io, fmt::format("{}: seek failed: {}", in_.name(), std::strerror(errno)));
  }
  release_window();
  mapping_ = false;
  buf_ = std::move(nb);
  data_ = buf_.get();
  cap_ = size;
  base_ += keep_from;
  end_ = keep;
  pos_ -= std::min(pos_, keep_from);
}

bool reader::refill(std::size_t keep_from) {
  block_ok_ = false;  // the buffer moves or grows under the cached masks
  if (mapping_) {
    if (next_window(keep_from)) return true;
    stop_mapping(keep_from);
    keep_from = 0;
  }
  // Always compacts, so callers can rebase on keep_from whatever the result.
  if (keep_from > 0 || (pinned_ && end_ == cap_)) {
    if (pinned_) {
      // Segments handed out are still in use: leave them where they are.
      new_buffer(std::max(cap_, (end_ - keep_from) * 2), keep_from);
    } else {
      std::memmove(data_, data_ + keep_from, end_ - keep_from);
    }
    base_ += keep_from;
    end_ -= keep_from;
    pos_ -= std::min(pos_, keep_from);
  }
  if (eof_) return false;
  if (end_ == cap_) {
    if (cap_ >= max_segment_) return false;
    std::size_t want = std::min(cap_ * 2, max_segment_);
    if (pinned_) {
      new_buffer(want, 0);
    } else {
      std::unique_ptr<char[]> nb(new char[want + kPad]);
      std::memcpy(nb.get(), data_, end_);
      buf_ = std::move(nb);
      data_ = buf_.get();
      cap_ = want;
    }
  }
  std::size_t got = in_.read(data_ + end_, cap_ - end_);
  if (got == 0) {
    eof_ = true;
    return false;
  }
  end_ += got;
  return true;
}

// Moves pos_ to the next ISA. Text skipped on the way is allowed before the
// first interchange; after one it is reported as stray text.
bool reader::find_isa() {
  std::uint64_t stray = 0;
  std::uint64_t stray_offset = 0, stray_line = 0;
  for (;;) {
    while (pos_ < end_) {
      char c = data_[pos_];
      if (c == 'I') {
        if (end_ - pos_ < 600 && !eof_ && pos_ > 0) break;
        std::string_view t(data_ + pos_, end_ - pos_);
        if (looks_like_isa(t)) {
          isa_scan s = scan_isa(t, eof_);
          if (s.result == isa_scan::status::need_more && end_ - pos_ < max_segment_) break;
          if (s.result == isa_scan::status::need_more)
            s = scan_isa(t, true);  // the buffer cannot grow: judge what is there
          if (s.result == isa_scan::status::ok) {
            if (stray > 0 && saw_isa_) {
              notices_.push_back({reader_notice::kind::stray_text, stray_offset, stray_line, stray, "", ""});
            }
            set_delimiters(s.delims);
            saw_isa_ = true;
            inside_ = true;
            return true;
          }
          notices_.push_back({reader_notice::kind::bad_isa, base_ + pos_, line_, 0, s.problem, s.ta1_code});
        }
      }
      if (c == '\xEF' && end_ - pos_ >= 3 && data_[pos_ + 1] == '\xBB' && data_[pos_ + 2] == '\xBF') {
        pos_ += 3;  // a byte order mark: files joined together may each begin with one
        continue;
      }
      if (c == '\n') ++line_;
      if (!is_gap(c)) {
        if (stray == 0) {
          stray_offset = base_ + pos_;
          stray_line = line_;
        }
        ++stray;
      }
      ++pos_;
    }
    if (!refill(pos_) && pos_ >= end_) {
      if (stray > 0 && saw_isa_) {
        notices_.push_back({reader_notice::kind::stray_text, stray_offset, stray_line, stray, "", ""});
      }
      return false;
    }
  }
}

// Splits a segment that had line breaks inside (a file wrapped at a fixed
// width): the breaks are dropped and the text kept beside the buffer.
void reader::split(const char* b, const char* e, segment& seg) {
  // Each wrapped segment gets its own string until the next unpinned read,
  // so a segment pinned right after it was returned stays intact.
  if (side_used_ == side_.size()) side_.push_back(std::make_unique<std::string>());
  last_split_ = true;
  std::string& s = *side_[side_used_++];
  s.clear();
  // Padded like the buffer: the elements are views into s.
  s.reserve(static_cast<std::size_t>(e - b) + kPad);
  for (const char* p = b; p < e; ++p) {
    if (*p == '\n') ++line_;
    if (*p != '\n' && *p != '\r') s.push_back(*p);
  }
  seg.elements.clear();
  seg.text = s;
  const char* sb = s.data();
  const char* se = sb + s.size();
  const char* el = sb;
  for (const char* p = sb; p < se; ++p) {
    if (*p == delims_.element) {
      seg.elements.emplace_back(el, static_cast<std::size_t>(p - el));
      el = p + 1;
    }
  }
  seg.elements.emplace_back(el, static_cast<std::size_t>(se - el));
}

// The bit (of breaks, line breaks from at on) of the first break after which
// a line begins with an ISA (spaces, a byte order mark allowed); 0 when none.
// need_more: a break is too near the end of what is read to tell.
std::uint64_t reader::isa_after_break(std::size_t at, std::uint64_t breaks, bool& need_more) const {
  while (breaks != 0) {
    const std::size_t k = static_cast<std::size_t>(__builtin_ctzll(breaks));
    std::size_t q = at + k + 1;
    while (q < end_ && (data_[q] == '\n' || data_[q] == '\r' || data_[q] == ' ' || data_[q] == '\t')) ++q;
    if (end_ - q >= 3 && std::memcmp(data_ + q, "\xEF\xBB\xBF", 3) == 0) q += 3;
    if (end_ - q < 6) {
      if (!eof_) {
        need_more = true;
        return 0;
      }
    } else if (data_[q] == 'I' && looks_like_isa(std::string_view(data_ + q, std::min<std::size_t>(end_ - q, 64)))) {
      return std::uint64_t{1} << k;
    }
    breaks &= breaks - 1;
  }
  return 0;
}

void reader::scan_block(std::size_t at) {
  // Mapped input reaches the cache here first: ask for the bytes a few
  // blocks ahead (a prefetch never faults, past the window or not).
  __builtin_prefetch(data_ + at + 512);
  scan_block_at(data_ + at, look_for_, block_);  // kPad readable bytes follow end_
  std::size_t avail = end_ - at;
  if (avail < 64) [[unlikely]] {
    std::uint64_t valid = (std::uint64_t{1} << avail) - 1;
    block_.term &= valid;
    block_.element &= valid;
    block_.line_break &= valid;
    block_.special &= valid;
  }
  block_at_ = at;
  block_ok_ = true;
}

bool reader::next_general(segment& seg) {
  bool got = next_any(seg);
  seg.plain = false;  // not worked out here: the caller checks values itself
  seg.ordinary = false;
  fast_ok_ = got && inside_ && notices_.empty() && delims_.segment != '\n' && delims_.segment != '\r';
  return got;
}

bool reader::next_any(segment& seg) {
  notices_.clear();
  if (!pinned_) side_used_ = 0;
  last_split_ = false;
  for (;;) {
    // Skip what lies between segments (and empty segments).
    for (;;) {
      while (pos_ < end_) {
        char c = data_[pos_];
        if (c == '\n') {
          ++line_;
          ++pos_;
        } else if (is_gap(c) || (inside_ && c == delims_.segment)) {
          ++pos_;
        } else {
          break;
        }
      }
      if (pos_ < end_) break;
      if (!refill(pos_)) return false;
    }
    if (!inside_) {
      if (!find_isa()) return false;
    } else if (data_[pos_] == 'I') {
      // An ISA inside an interchange (its IEA missing): take its delimiters.
      if (end_ - pos_ < 600 && !eof_) refill(pos_);
      std::string_view t(data_ + pos_, end_ - pos_);
      if (looks_like_isa(t)) {
        isa_scan s = scan_isa(t, eof_);
        if (s.result == isa_scan::status::ok) set_delimiters(s.delims);
      }
    }
    break;
  }

  // One pass over the segment finds the terminator, the element separators
  // and any line break inside it. Separator masks are worked out for 64
  // bytes at a time and kept: the next segment usually starts in the block
  // this one ended in.
  const char term = delims_.segment;
  std::size_t start = pos_;
  std::size_t term_at = 0;
  bool found = false, has_break = false, too_long = false, isa_cut = false;
  for (;;) {
    seg.elements.clear();
    has_break = false;
    isa_cut = false;
    const char* base = data_;
    const char* el = base + start;
    std::size_t i = start;
    // Elements are written through a local pointer; a block adds at most 64
    // separators and the terminator.
    std::string_view* out = seg.elements.room(65);
    std::string_view* first = out;
    while (i < end_) {
      if (!block_ok_ || i < block_at_ || i >= block_at_ + 64) scan_block(i);
      const unsigned shift = static_cast<unsigned>(i - block_at_);
      std::uint64_t mt = block_.term >> shift;
      std::uint64_t me = block_.element >> shift;
      std::uint64_t mb = block_.line_break >> shift;
      if (mt != 0) {
        std::uint64_t before = (std::uint64_t{1} << __builtin_ctzll(mt)) - 1;
        me &= before;
        mb &= before;
      }
      if (mb != 0) {
        // A line that begins with an ISA ends the segment even without its
        // terminator: files joined after one whose last segment lost it.
        bool need_more = false;
        const std::uint64_t cut = isa_after_break(i, mb, need_more);
        if (need_more) break;  // the bytes after a break are not read yet
        if (cut != 0) {
          mt = cut;
          me &= cut - 1;
          mb &= cut - 1;
          isa_cut = true;
        }
      }
      while (me != 0) {
        const char* p = base + i + __builtin_ctzll(me);
        *out++ = std::string_view(el, static_cast<std::size_t>(p - el));
        el = p + 1;
        me &= me - 1;
      }
      if (mb != 0) has_break = true;
      if (mt != 0) {
        term_at = i + __builtin_ctzll(mt);
        *out++ = std::string_view(el, static_cast<std::size_t>(base + term_at - el));
        found = true;
        break;
      }
      i = block_at_ + 64;
      seg.elements.set_size(static_cast<std::size_t>(out - first));
      out = seg.elements.room(65);
      first = out - seg.elements.size();
    }
    seg.elements.set_size(static_cast<std::size_t>(out - first));
    if (found) break;
    const bool had_eof = eof_;
    bool more = refill(start);
    start = 0;
    if (!more) {
      if (!eof_) too_long = true;
      else if (!had_eof) continue;  // the end came with this read: look again knowing it
      break;
    }
  }

  seg.index = ++index_;
  seg.offset = base_ + start;
  seg.line = line_;
  seg.too_long = false;
  seg.unterminated = false;
  seg.isa_follows = false;
  if (too_long) {
    // Skip to the next terminator without keeping the bytes.
    seg.too_long = true;
    seg.elements.clear();
    seg.text = {};
    seg.code = 0;
    for (;;) {
      const char* t = static_cast<const char*>(std::memchr(data_, term, end_));
      std::size_t upto = t != nullptr ? static_cast<std::size_t>(t - data_) : end_;
      line_ += static_cast<std::uint64_t>(std::count(data_, data_ + upto, '\n'));
      if (t != nullptr) {
        pos_ = upto + 1;
        return true;
      }
      pos_ = end_;
      if (!refill(end_)) return true;
    }
  }
  const char* b = data_ + start;
  const char* e = found ? data_ + term_at : data_ + end_;
  if (!found) seg.unterminated = true;
  if (!found) {
    // Line ends, NUL or DOS end-of-file after a last segment that has no
    // terminator are not data.
    while (e > b &&
           (e[-1] == '\n' || e[-1] == '\r' || e[-1] == '\x1a' || e[-1] == '\0' || e[-1] == ' ' || e[-1] == '\t')) {
      --e;
    }
    seg.elements.clear();
    has_break = std::memchr(b, '\n', static_cast<std::size_t>(e - b)) != nullptr ||
                std::memchr(b, '\r', static_cast<std::size_t>(e - b)) != nullptr;
    if (!has_break) {
      const char* el = b;
      for (const char* p = b; p < e; ++p) {
        if (*p == delims_.element) {
          seg.elements.emplace_back(el, static_cast<std::size_t>(p - el));
          el = p + 1;
        }
      }
      seg.elements.emplace_back(el, static_cast<std::size_t>(e - el));
    }
  }
  if (isa_cut) {
    // Ends at the line break before the ISA; what precedes the break on its
    // line is the segment.
    seg.unterminated = true;
    seg.isa_follows = true;
    const char* cut = e;
    while (e > b && (e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t')) --e;
    std::string_view& last = seg.elements.back();
    if (last.data() <= e) last = std::string_view(last.data(), static_cast<std::size_t>(e - last.data()));
    has_break = std::memchr(b, '\n', static_cast<std::size_t>(e - b)) != nullptr ||
                std::memchr(b, '\r', static_cast<std::size_t>(e - b)) != nullptr;
    term_at = static_cast<std::size_t>(cut - data_) - 1;  // the break itself is read as a gap next
  }
  if (term == '\n' && e > b && e[-1] == '\r') {
    // CRLF line ends with LF as the terminator: the CR is not data.
    --e;
    std::string_view& last = seg.elements.back();
    if (!last.empty() && last.data() + last.size() == e + 1) last.remove_suffix(1);
    has_break = std::memchr(b, '\r', static_cast<std::size_t>(e - b)) != nullptr;
  }
  seg.text = std::string_view(b, static_cast<std::size_t>(e - b));
  if (has_break) split(b, e, seg);
  seg.code = tag_code(seg.elements[0]);
  pos_ = found ? term_at + 1 : end_;
  if (found && term == '\n' && !isa_cut) ++line_;
  constexpr std::uint32_t kIEA = tag_code("IEA");
  if (seg.code == kIEA) inside_ = false;
  return true;
}

}  // namespace claimkit::x12
