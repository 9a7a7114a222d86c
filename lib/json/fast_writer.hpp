#pragma once

#include <emmintrin.h>

#include <charconv>

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include "json/writer.hpp"

namespace claimkit::json {

/// A JSON writer for hot paths: builds one record in its own flat buffer with
/// a bare pointer (no per-character bookkeeping), then hands it over with
/// append_to(). Same rules as json::writer: absent values are skipped,
/// strings escaped into valid UTF-8, X12 decimals copied digit for digit.
class fast_writer {
 public:
  fast_writer() { grow(64 * 1024); }

  void clear() {
    cur_ = buf_.get();
    first_ = true;
  }
  /// Starts a record after those already written (which stay).
  void begin_record() { first_ = true; }
  std::size_t size() const { return static_cast<std::size_t>(cur_ - buf_.get()); }
  void append_to(std::string& out) const { out.append(buf_.get(), static_cast<std::size_t>(cur_ - buf_.get())); }
  std::string_view view() const { return {buf_.get(), static_cast<std::size_t>(cur_ - buf_.get())}; }

  void begin_object() { sep(); put('{'); first_ = true; }
  void end_object() { put('}'); first_ = false; }
  void begin_array() { sep(); put('['); first_ = true; }
  void end_array() { put(']'); first_ = false; }
  void newline() { put('\n'); }

  /// k must be a plain identifier.
  void key(std::string_view k) {
    need(k.size() + 4);
    if (!first_) *cur_++ = ',';
    *cur_++ = '"';
    std::memcpy(cur_, k.data(), k.size());
    cur_ += k.size();
    *cur_++ = '"';
    *cur_++ = ':';
    first_ = true;
  }
  /// A key given as a literal: its length is known at compile time, so the
  /// copy is a few moves rather than a call.
  template <std::size_t N>
  void key(const char (&k)[N]) {
    need(N + 4);
    cur_ = open_key<N>(cur_, k);
    first_ = true;
  }
  /// A string value: a short printable one is copied in one vector move;
  /// the rest (long, or needing escapes) goes out of line.
  void string(std::string_view v) {
    sep();
    need(v.size() + 2 + kSlack);
    char* p = cur_;
    *p++ = '"';
    if (short_plain_value(p, v)) [[likely]] {
      cur_ = p;
      return;
    }
    string_slow(v);
  }
  void literal(std::string_view v) {  // verbatim JSON text
    sep();
    need(v.size() + kSlack);
    cur_ = copy_short(cur_, v);
  }
  /// Appends members rendered before (`"a":1,"b":2`) into the open object.
  void members(std::string_view v) {
    sep();
    need(v.size());
    std::memcpy(cur_, v.data(), v.size());
    cur_ += v.size();
  }
  void boolean(bool v) { literal(v ? "true" : "false"); }
  void integer(std::uint64_t v);
  /// An X12 decimal as a JSON number; a non-number is written as a string.
  void decimal(std::string_view v) {
    if (is_plain_decimal(v)) {
      literal(v);
      return;
    }
    decimal_slow(v);
  }
  /// A CCYYMMDD date (validated by the caller) as "YYYY-MM-DD".
  void date(std::string_view d8) {
    sep();
    need(12);
    put_date(cur_, d8.data());
    cur_ += 12;
  }

  /// "k":"v" for a non-empty v; nothing for an empty one.
  template <std::size_t N>
  [[gnu::always_inline]] void field(const char (&k)[N], std::string_view v) {
    if (v.empty()) return;
    // Fused key and value: one capacity check, and for the usual short
    // printable ASCII value one check-and-copy with no escaping.
    need(N + v.size() + 8 + kSlack);
    char* p = open_key<N>(cur_, k);
    *p++ = '"';
    // Anything but a short printable value goes out of line, so this path
    // needs few registers.
    if (short_plain_value(p, v)) [[likely]] {
      cur_ = p;
      first_ = false;
      return;
    }
    value_after_key(p, v);
  }
  void field(std::string_view k, std::string_view v) {
    if (v.empty()) return;
    key(k);
    string(v);
  }
  /// True when v needs no escaping in a JSON string.
  static bool plain(std::string_view v) {
    for (char ch : v) {
      auto c = static_cast<unsigned char>(ch);
      if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') return false;
    }
    return true;
  }
  template <std::size_t N>
  void decimal_field(const char (&k)[N], std::string_view v) {
    if (v.empty()) return;
    if (!is_plain_decimal(v)) {
      key(k);
      decimal_slow(v);
      return;
    }
    need(N + v.size() + 4 + kSlack);
    char* p = open_key<N>(cur_, k);
    cur_ = copy_short(p, v);
    first_ = false;
  }
  /// decimal_field for a value already known to be a plain JSON number
  /// (is_plain_decimal): no second look at its digits.
  template <std::size_t N>
  [[gnu::always_inline]] void plain_decimal_field(const char (&k)[N], std::string_view v) {
    need(N + v.size() + 4 + kSlack);
    char* p = open_key<N>(cur_, k);
    cur_ = copy_short(p, v);
    first_ = false;
  }
  template <std::size_t N>
  [[gnu::always_inline]] void date_field(const char (&k)[N], std::string_view d8) {
    if (d8.empty()) return;
    need(N + 16);
    char* p = open_key<N>(cur_, k);
    put_date(p, d8.data());
    cur_ = p + 12;
    first_ = false;
  }

  // The record-building interface fast_writer shares with plain_cursor, so
  // one template renders a record through either.
  struct mark {};
  mark open_object() { begin_object(); return {}; }
  void close_object(mark) { end_object(); }
  mark open_array() { begin_array(); return {}; }
  void close_array(mark) { end_array(); }
  void array_element() {}  // commas are tracked
  /// Closes an object whose opening was rendered before (members()).
  void close_rendered_object() { end_object(); }
  void array_string(std::string_view v) { string(v); }
  template <std::size_t N>
  void amount_field(const char (&k)[N], std::string_view text, bool plain) {
    if (plain) plain_decimal_field(k, text);
    else decimal_field(k, text);
  }

 private:
  friend class plain_cursor;
  // Room past the end of a copy: short values are copied in 16-byte moves.
  static constexpr std::size_t kSlack = 32;

  // Writes [,]"k": at p (the comma unless first in its container); returns
  // the position after the colon.
  template <std::size_t N>
  char* open_key(char* p, const char (&k)[N]) const {
    *p = ',';
    p += first_ ? 0 : 1;
    *p++ = '"';
    std::memcpy(p, k, N - 1);
    p += N - 1;
    p[0] = '"';
    p[1] = ':';
    return p + 2;
  }
  // "YYYY-MM-DD" from CCYYMMDD, in two stores.
  [[gnu::always_inline]] static void put_date(char* p, const char* d8) {
    std::uint64_t x;
    std::memcpy(&x, d8, 8);
    const std::uint64_t head = std::uint64_t{'"'} | (x & 0xffffffffu) << 8 | std::uint64_t{'-'} << 40 |
                               (x >> 32 & 0xffffu) << 48;
    const std::uint32_t tail = static_cast<std::uint32_t>('-' | (x >> 48 & 0xffffu) << 8 | std::uint32_t{'"'} << 24);
    std::memcpy(p, &head, 8);
    std::memcpy(p + 8, &tail, 4);
  }
  // Copies v to p (kSlack bytes of room past v.size() there); returns the end.
  static char* copy_short(char* p, std::string_view v) {
    if (v.size() <= 32 && readable32(v.data())) {
      auto* d = reinterpret_cast<__m128i*>(p);
      const auto* s = unknown_extent(v.data());
      _mm_storeu_si128(d, _mm_loadu_si128(s));
      _mm_storeu_si128(d + 1, _mm_loadu_si128(s + 1));
    } else {
      std::memcpy(p, v.data(), v.size());
    }
    return p + v.size();
  }
  // The pointer as one the compiler cannot trace to an object of known size
  // (a literal, say), so a deliberate load past its end is not flagged.
  static const __m128i* unknown_extent(const char* p) {
    asm("" : "+r"(p));
    return reinterpret_cast<const __m128i*>(p);
  }
  [[gnu::always_inline]] static unsigned needs_escape(__m128i x) {
    // As signed bytes, below 0x20 catches the controls and everything >= 0x80.
    __m128i bad = _mm_or_si128(
        _mm_or_si128(_mm_cmplt_epi8(x, _mm_set1_epi8(0x20)), _mm_cmpeq_epi8(x, _mm_set1_epi8(0x7f))),
        _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('"')), _mm_cmpeq_epi8(x, _mm_set1_epi8('\\'))));
    return static_cast<unsigned>(_mm_movemask_epi8(bad));
  }
  // Copies v to p (kSlack bytes of room) when no byte of it needs escaping;
  // false (p's contents unspecified) otherwise.
  // The usual string value, at p (just after its opening quote): at most 16
  // bytes, nothing to escape. Copies it and its closing quote in one vector
  // move and advances p; false when v is not such a value (p unchanged, the
  // bytes after it unspecified).
  [[gnu::always_inline]] static bool short_plain_value(char*& p, std::string_view v) {
    if (!short16(p, v)) return false;
    p += v.size();
    *p++ = '"';
    return true;
  }
  // Copies v (at most 16 bytes, readable32) to p in one vector move; true
  // when no byte of it needs escaping.
  [[gnu::always_inline]] static bool short16(char* p, std::string_view v) {
    if (v.size() > 16 || !readable32(v.data())) return false;
    __m128i x = _mm_loadu_si128(unknown_extent(v.data()));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(p), x);
    return (needs_escape(x) & ((1u << v.size()) - 1)) == 0;
  }
  [[gnu::always_inline]] static bool copy_plain(char* p, std::string_view v) {
    if (v.size() <= 16 && readable32(v.data())) return short16(p, v);  // most values: one vector
    if (v.size() <= 32 && readable32(v.data())) {
      auto* d = reinterpret_cast<__m128i*>(p);
      const auto* s = unknown_extent(v.data());
      __m128i x0 = _mm_loadu_si128(s);
      __m128i x1 = _mm_loadu_si128(s + 1);
      _mm_storeu_si128(d, x0);
      _mm_storeu_si128(d + 1, x1);
      std::uint64_t bad = needs_escape(x0) | static_cast<std::uint64_t>(needs_escape(x1)) << 16;
      return (bad & ((std::uint64_t{1} << v.size()) - 1)) == 0;
    }
    if (!plain(v)) return false;
    std::memcpy(p, v.data(), v.size());
    return true;
  }
  // True when the 32 bytes from p may be loaded: they stay in p's page (a
  // short value then reads a little past its end, never past mapped memory).
  static bool readable32(const char* p) {
#ifdef CLAIMKIT_NO_OVERREAD
    (void)p;
    return false;
#else
    return (reinterpret_cast<std::uintptr_t>(p) & 4095) <= 4096 - 32;
#endif
  }
  void decimal_slow(std::string_view v);
  // string() past its fast path (the separator is written, nothing else).
  [[gnu::noinline]] void string_slow(std::string_view v);
  // field() past its fast path: p is just after the opening quote.
  [[gnu::noinline]] void value_after_key(char* p, std::string_view v);

  void sep() {
    if (!first_) put(',');
    first_ = false;
  }
  [[gnu::always_inline]] void put(char c) {
    need(1);
    *cur_++ = c;
  }
  [[gnu::always_inline]] void need(std::size_t n) {
    if (static_cast<std::size_t>(end_ - cur_) < n) [[unlikely]] grow(n);
  }
  [[gnu::noinline]] void grow(std::size_t n);

  std::unique_ptr<char[]> buf_;
  char* cur_ = nullptr;
  char* end_ = nullptr;
  bool first_ = true;
};

/// Writes a record straight into a fast_writer's buffer when every string
/// value is known to need no escaping (the caller has checked its sources):
/// no per-value check, and no comma bookkeeping. Every member is written with
/// a leading comma, and closing a container turns the comma of its first
/// member into its opening bracket. Each value's first 32 bytes must be
/// readable (values are copied in 16-byte moves); sanitizer builds copy
/// exactly. Call done() when the record is written.
class plain_cursor {
 public:
  explicit plain_cursor(fast_writer& w) : w_(w), base_(w.buf_.get()), p_(w.cur_), end_(w.end_) {}
  void done() {
    w_.cur_ = p_;
    w_.first_ = false;
  }

  using mark = std::size_t;  // an offset: the buffer may move as it grows
  /// An object or array whose first member's comma becomes its bracket.
  mark open_object() { return static_cast<mark>(p_ - base_); }
  mark open_array() { return static_cast<mark>(p_ - base_); }
  void close_object(mark m) { close(m, '{', '}'); }
  void close_array(mark m) { close(m, '[', ']'); }
  /// Before each element of an array that is not a plain string.
  void array_element() {
    room(1);
    *p_++ = ',';
  }
  void array_string(std::string_view v) {
    room(v.size() + 3 + kSlack);
    *p_ = ',';
    p_[1] = '"';
    p_ = copy(p_ + 2, v);
    *p_++ = '"';
  }
  template <std::size_t N>
  void key(const char (&k)[N]) {
    room(N + 4);
    p_ = put_key<N>(p_, k);
  }
  /// A value written as is after key() (a JSON literal).
  void literal(std::string_view v) {
    room(v.size() + kSlack);
    p_ = copy(p_, v);
  }
  /// Members rendered before (`"a":1,"b":2`), appended to the open object.
  void members(std::string_view v) {
    room(v.size() + 1);
    *p_++ = ',';
    std::memcpy(p_, v.data(), v.size());
    p_ += v.size();
  }
  void close_rendered_object() {
    room(1);
    *p_++ = '}';
  }
  void integer(std::uint64_t v) {
    room(24);
    p_ = std::to_chars(p_, p_ + 24, v).ptr;
  }
  template <std::size_t N>
  [[gnu::always_inline]] void field(const char (&k)[N], std::string_view v) {
    if (v.empty()) return;
    room(N + v.size() + 6 + kSlack);
    char* p = put_key<N>(p_, k);
    *p = '"';
    p = copy(p + 1, v);
    *p = '"';
    p_ = p + 1;
  }
  template <std::size_t N>
  [[gnu::always_inline]] void date_field(const char (&k)[N], std::string_view d8) {
    if (d8.empty()) return;
    room(N + 16);
    char* p = put_key<N>(p_, k);
    fast_writer::put_date(p, d8.data());
    p_ = p + 12;
  }
  /// An X12 amount: as is when plain (already a JSON number), else through
  /// fast_writer's conversion.
  template <std::size_t N>
  [[gnu::always_inline]] void amount_field(const char (&k)[N], std::string_view text, bool plain) {
    if (text.empty()) return;
    if (!plain) [[unlikely]] {
      w_.cur_ = p_;
      w_.first_ = false;
      w_.decimal_field(k, text);
      base_ = w_.buf_.get();
      p_ = w_.cur_;
      end_ = w_.end_;
      return;
    }
    room(N + text.size() + 4 + kSlack);
    p_ = copy(put_key<N>(p_, k), text);
  }

 private:
  static constexpr std::size_t kSlack = 32;
  void close(mark m, char open, char close) {
    room(2);
    char* at = base_ + m;
    if (p_ == at) {
      *p_++ = open;
    } else {
      *at = open;
    }
    *p_++ = close;
  }
  // ,"k":
  template <std::size_t N>
  [[gnu::always_inline]] static char* put_key(char* p, const char (&k)[N]) {
    p[0] = ',';
    p[1] = '"';
    std::memcpy(p + 2, k, N - 1);
    p[N + 1] = '"';
    p[N + 2] = ':';
    return p + N + 3;
  }
  [[gnu::always_inline]] static char* copy(char* p, std::string_view v) {
#ifndef CLAIMKIT_NO_OVERREAD
    if (v.size() <= 16) [[likely]] {
      _mm_storeu_si128(reinterpret_cast<__m128i*>(p), _mm_loadu_si128(fast_writer::unknown_extent(v.data())));
      return p + v.size();
    }
    if (v.size() <= 32) {
      const auto* s = fast_writer::unknown_extent(v.data());
      _mm_storeu_si128(reinterpret_cast<__m128i*>(p), _mm_loadu_si128(s));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(p) + 1, _mm_loadu_si128(s + 1));
      return p + v.size();
    }
#endif
    std::memcpy(p, v.data(), v.size());
    return p + v.size();
  }
  [[gnu::always_inline]] void room(std::size_t n) {
    if (static_cast<std::size_t>(end_ - p_) < n) [[unlikely]] grow(n);
  }
  [[gnu::noinline]] void grow(std::size_t n) {
    w_.cur_ = p_;
    w_.grow(n);
    base_ = w_.buf_.get();
    p_ = w_.cur_;
    end_ = w_.end_;
  }

  fast_writer& w_;
  char* base_;
  char* p_;
  char* end_;
};

}  // namespace claimkit::json
