#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "core/simd.hpp"

namespace claimkit::x12 {

/// A segment identifier packed into an integer, for switch statements:
/// tag_code("STC"). Not a valid identifier -> 0.
constexpr std::uint32_t tag_code(std::string_view t) {
  auto b = [&t](std::size_t i) { return static_cast<std::uint32_t>(static_cast<unsigned char>(t[i])); };
  if (t.size() == 3) return 3u << 24 | b(0) << 16 | b(1) << 8 | b(2);
  if (t.size() == 2) return 2u << 24 | b(0) << 8 | b(1);
  return 0;
}

/// v == lit for a short literal, compared inline (no library call).
template <std::size_t N>
constexpr bool equals(std::string_view v, const char (&lit)[N]) {
  if (v.size() != N - 1) return false;
  for (std::size_t i = 0; i + 1 < N; ++i) {
    if (v[i] != lit[i]) return false;
  }
  return true;
}

/// The elements of one segment. Its storage is kept from segment to segment,
/// and the reader writes straight into spare room (room(), set_size()): a
/// std::vector would store and reload its end pointer for every element.
class element_list {
 public:
  element_list() { grow(32); }
  element_list(const element_list& o) { *this = o; }
  element_list& operator=(const element_list& o) {
    if (this != &o) {
      if (cap_ < o.n_) grow(o.n_);
      std::copy(o.begin(), o.end(), data_.get());
      n_ = o.n_;
    }
    return *this;
  }
  std::size_t size() const { return n_; }
  bool empty() const { return n_ == 0; }
  const std::string_view* begin() const { return data_.get(); }
  const std::string_view* end() const { return data_.get() + n_; }
  const std::string_view& operator[](std::size_t i) const { return data_[i]; }
  std::string_view& back() { return data_[n_ - 1]; }
  void clear() { n_ = 0; }
  void emplace_back(std::string_view v) {
    if (n_ == cap_) grow(cap_ * 2);
    data_[n_++] = v;
  }
  void emplace_back(const char* p, std::size_t n) { emplace_back(std::string_view(p, n)); }
  void assign(std::size_t count, std::string_view v) {
    clear();
    for (std::size_t i = 0; i < count; ++i) emplace_back(v);
  }
  /// Room for n more elements after the current ones; set_size() then says
  /// how many there are. The pointer stays valid until the next room() or
  /// emplace_back().
  std::string_view* room(std::size_t n) {
    if (cap_ - n_ < n) grow(std::max(cap_ * 2, n_ + n));
    return data_.get() + n_;
  }
  void set_size(std::size_t n) { n_ = n; }

 private:
  void grow(std::size_t cap) {
    cap = std::max<std::size_t>(cap, 16);
    std::unique_ptr<std::string_view[]> d(new std::string_view[cap]);
    if (data_) std::copy(begin(), end(), d.get());
    data_ = std::move(d);
    cap_ = cap;
  }
  std::unique_ptr<std::string_view[]> data_;
  std::size_t n_ = 0, cap_ = 0;
};

/// One segment as read. Views point into the reader's buffer and stay valid
/// until the next call to reader::next.
struct segment {
  element_list elements;      // [0] is the tag, [1] the first element
  std::uint32_t code = 0;     // tag_code(tag())
  std::string_view text;      // the segment without its terminator
  std::uint64_t index = 0;    // 1-based position in the file
  std::uint64_t offset = 0;   // byte offset of its first byte in the file
  std::uint64_t line = 0;     // 1-based line of its first byte
  bool unterminated = false;  // input ended before the terminator
  // With unterminated: the terminator is missing because an ISA begins on
  // the next line (interchanges concatenated after one cut short).
  bool isa_follows = false;
  bool too_long = false;  // longer than the reader's limit; elements empty
  // No byte of text needs escaping in a JSON string (none is a control
  // character, DEL, non-ASCII, '"' or '\\'). False when not known.
  bool plain = false;
  // A well-formed identifier that is not an envelope segment (see
  // ordinary_segment_id). False when not known.
  bool ordinary = false;

  std::string_view tag() const { return elements.empty() ? std::string_view() : elements[0]; }
  /// Element i (1-based, as in "STC01"); empty when absent.
  [[gnu::always_inline]] std::string_view operator[](std::size_t i) const {
    return i < elements.size() ? elements[i] : std::string_view();
  }
  std::size_t size() const { return elements.empty() ? 0 : elements.size() - 1; }
  bool is(std::string_view t) const { return tag() == t; }
};

/// Component i (1-based) of a composite element; empty when absent.
inline std::string_view component(std::string_view element, std::size_t i, char sep) {
  std::size_t start = 0;
  for (std::size_t k = 1; k < i; ++k) {
    std::size_t p = element.find(sep, start);
    if (p == std::string_view::npos) return {};
    start = p + 1;
  }
  std::size_t end = element.find(sep, start);
  return element.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
}

/// Splits a composite into its first n components (missing ones empty).
/// element lies in a padded buffer (simd::padding readable bytes after it):
/// a segment's element, or a view into a simd::padded_assign string.
inline void split_components(std::string_view element, char sep, std::string_view* out, std::size_t n) {
  std::size_t k = 0;
  const char* b = element.data();
  const char* e = b + element.size();
  const char* start = b;
  // Most composites are short: every separator found with one 16-byte
  // compare instead of a byte loop (the element lies in a padded buffer, so
  // the load may run past it but not past the allocation).
  if (element.size() - 1 < 16) {
    unsigned m = simd::eq_mask16(b, sep) & ((1u << element.size()) - 1);
    while (m != 0 && k + 1 < n) {
      const char* p = b + __builtin_ctz(m);
      out[k++] = std::string_view(start, static_cast<std::size_t>(p - start));
      start = p + 1;
      m &= m - 1;
    }
    const char* stop = m != 0 ? b + __builtin_ctz(m) : e;
    out[k++] = std::string_view(start, static_cast<std::size_t>(stop - start));
    for (; k < n; ++k) out[k] = {};
    return;
  }
  for (const char* p = b; p < e && k + 1 < n; ++p) {
    if (*p == sep) {
      out[k++] = std::string_view(start, static_cast<std::size_t>(p - start));
      start = p + 1;
    }
  }
  const char* stop = start;
  while (stop < e && *stop != sep) ++stop;
  out[k++] = std::string_view(start, static_cast<std::size_t>(stop - start));
  for (; k < n; ++k) out[k] = {};
}

/// Trims the spaces that pad fixed-width ISA fields.
inline std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

}  // namespace claimkit::x12
