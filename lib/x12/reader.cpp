#include "x12/reader.hpp"

#include <algorithm>
#include <cstring>

namespace claimkit::x12 {
namespace {

constexpr std::uint8_t kElement = 1;
constexpr std::uint8_t kBreak = 2;  // CR or LF inside a segment

inline bool is_gap(char c) {
  // Between segments: line ends, indentation, NUL padding, DOS end-of-file.
  return c == '\n' || c == '\r' || c == ' ' || c == '\t' || c == '\0' || c == '\x1a';
}

}  // namespace

reader::reader(io::input& in, std::size_t buffer_size, std::size_t max_segment)
    : in_(in), max_segment_(max_segment) {
  buf_.resize(buffer_size);
  set_delimiters(delims_);
}

void reader::set_delimiters(const delimiters& d) {
  delims_ = d;
  cls_.fill(0);
  cls_[static_cast<unsigned char>(d.element)] = kElement;
  if (d.segment != '\n') cls_['\n'] = kBreak;
  if (d.segment != '\r') cls_['\r'] = kBreak;
}

bool reader::refill(std::size_t keep_from) {
  if (eof_) return false;
  if (keep_from > 0) {
    std::memmove(buf_.data(), buf_.data() + keep_from, end_ - keep_from);
    base_ += keep_from;
    end_ -= keep_from;
    pos_ -= std::min(pos_, keep_from);
  }
  if (end_ == buf_.size()) {
    if (buf_.size() >= max_segment_) return false;
    buf_.resize(std::min(buf_.size() * 2, max_segment_));
  }
  std::size_t got = in_.read(buf_.data() + end_, buf_.size() - end_);
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
      char c = buf_[pos_];
      if (c == 'I') {
        if (end_ - pos_ < 4) break;
        std::string_view t(buf_.data() + pos_, end_ - pos_);
        if (looks_like_isa(t)) {
          isa_scan s = scan_isa(t, eof_);
          if (s.result == isa_scan::status::need_more) break;
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
    if (!refill(pos_)) {
      if (eof_ && pos_ < end_) {
        // A few bytes left that cannot hold an ISA: count them and stop.
        for (; pos_ < end_; ++pos_) {
          if (buf_[pos_] == '\n') ++line_;
          if (!is_gap(buf_[pos_])) ++stray;
        }
      }
      if (stray > 0 && saw_isa_) {
        notices_.push_back({reader_notice::kind::stray_text, stray_offset, stray_line, stray, "", ""});
      }
      return false;
    }
  }
}

void reader::split(const char* b, const char* e, segment& seg) {
  seg.elements.clear();
  const char* el = b;
  bool has_break = false;
  for (const char* p = b; p < e; ++p) {
    std::uint8_t k = cls_[static_cast<unsigned char>(*p)];
    if (k == 0) continue;
    if (k == kElement) {
      seg.elements.emplace_back(el, static_cast<std::size_t>(p - el));
      el = p + 1;
    } else {
      has_break = true;
      if (*p == '\n') ++line_;
    }
  }
  seg.elements.emplace_back(el, static_cast<std::size_t>(e - el));
  if (!has_break) return;
  // A segment wrapped over several lines: drop the line breaks, re-split.
  scratch_.clear();
  for (const char* p = b; p < e; ++p) {
    if (*p != '\n' && *p != '\r') scratch_.push_back(*p);
  }
  seg.elements.clear();
  seg.text = scratch_;
  const char* sb = scratch_.data();
  const char* se = sb + scratch_.size();
  el = sb;
  for (const char* p = sb; p < se; ++p) {
    if (*p == delims_.element) {
      seg.elements.emplace_back(el, static_cast<std::size_t>(p - el));
      el = p + 1;
    }
  }
  seg.elements.emplace_back(el, static_cast<std::size_t>(se - el));
}

bool reader::next(segment& seg) {
  notices_.clear();
  for (;;) {
    // Skip what lies between segments (and empty segments).
    for (;;) {
      while (pos_ < end_) {
        char c = buf_[pos_];
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
    } else if (buf_[pos_] == 'I') {
      // An ISA inside an interchange (its IEA missing): take its delimiters.
      if (end_ - pos_ < 600 && !eof_) refill(pos_);
      std::string_view t(buf_.data() + pos_, end_ - pos_);
      if (looks_like_isa(t)) {
        isa_scan s = scan_isa(t, eof_);
        if (s.result == isa_scan::status::ok) set_delimiters(s.delims);
      }
    }
    break;
  }

  // Find the terminator, growing the window as needed.
  std::size_t start = pos_;
  std::size_t scanned = 0;
  const char* term = nullptr;
  bool too_long = false;
  for (;;) {
    const char* from = buf_.data() + start + scanned;
    term = static_cast<const char*>(std::memchr(from, delims_.segment, end_ - start - scanned));
    if (term != nullptr) break;
    scanned = end_ - start;
    if (!refill(start)) {
      if (!eof_) too_long = true;
      break;
    }
    start = 0;
  }

  seg.index = ++index_;
  seg.offset = base_ + start;
  seg.line = line_;
  seg.too_long = false;
  seg.unterminated = false;
  if (too_long) {
    // Skip to the next terminator without keeping the bytes.
    seg.too_long = true;
    seg.elements.clear();
    seg.text = {};
    for (;;) {
      for (std::size_t i = 0; i < end_; ++i) {
        if (buf_[i] == '\n') ++line_;
      }
      const char* t = static_cast<const char*>(std::memchr(buf_.data(), delims_.segment, end_));
      if (t != nullptr) {
        pos_ = static_cast<std::size_t>(t - buf_.data()) + 1;
        return true;
      }
      pos_ = end_;
      if (!refill(end_)) return true;
    }
  }
  const char* b = buf_.data() + start;
  const char* e = term != nullptr ? term : buf_.data() + end_;
  if (term == nullptr) seg.unterminated = true;
  if (delims_.segment == '\n' && e > b && e[-1] == '\r') --e;
  seg.text = std::string_view(b, static_cast<std::size_t>(e - b));
  split(b, e, seg);
  pos_ = term != nullptr ? static_cast<std::size_t>(term - buf_.data()) + 1 : end_;
  if (term != nullptr && delims_.segment == '\n') ++line_;
  if (seg.tag() == "IEA") inside_ = false;
  return true;
}

}  // namespace claimkit::x12
