#pragma once

#include <charconv>
#include <concepts>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include "core/simd.hpp"

namespace claimkit::json {

/// Appends a JSON string literal (with quotes) for s to out. Control
/// characters are escaped; invalid UTF-8 bytes become U+FFFD so the output is
/// always valid UTF-8 JSON.
void append_string(std::string& out, std::string_view s);

/// True when s is a JSON number as X12 writes decimals (optional '-',
/// digits without a leading zero, optional '.' and digits). Such text can be
/// copied verbatim. Inline: the record writers call it for every amount.
inline bool is_plain_decimal(std::string_view s) {
  const char* p = s.data();
  const char* e = p + s.size();
  if (p < e && *p == '-') ++p;
  const char* int_begin = p;
  while (p < e && static_cast<unsigned char>(*p - '0') < 10) ++p;
  if (p == int_begin || (*int_begin == '0' && p - int_begin > 1)) return false;  // JSON forbids leading zeros
  if (p == e) return true;
  if (*p++ != '.') return false;
  const char* frac_begin = p;
  while (p < e && static_cast<unsigned char>(*p - '0') < 10) ++p;
  return p != frac_begin && p == e;
}

/// Appends an X12 decimal as a JSON number, keeping exactly its digits
/// ("150.00" stays 150.00, ".5" becomes 0.5, "-.5" -0.5, "5." 5). Returns
/// false (and appends nothing) when s is not a decimal.
bool append_decimal(std::string& out, std::string_view s);

/// The JSON writer every tool writes records through. It tracks commas, so
/// callers only name keys and values; absent (empty) values given to the
/// field functions are left out; strings are escaped into valid UTF-8; X12
/// decimals are copied digit for digit.
///
/// It renders into a flat buffer of its own through a bare pointer with
/// spare room after it, so a short value is copied in a few word moves with
/// no per-character bookkeeping (x12-parse writes ~30 values a claim; see
/// README "Performance"). Two ways to take the text:
///  - writer(std::string& out): everything written is appended to out at the
///    end of each call, so a caller may add to out between calls;
///  - writer(): the text gathers in the writer (view(), append_to(),
///    clear()), as x12-parse's handlers do to write large blocks at once.
class writer {
 public:
  writer() = default;
  explicit writer(std::string& out) : out_(&out) {}
  writer(writer&&) noexcept = default;
  writer& operator=(writer&&) noexcept = default;

  /// writer(out): out. writer(): not to be called.
  std::string& buffer() { return *out_; }
  /// writer(): empties the buffer.
  void clear() {
    cur_ = buf_.get();
    first_ = true;
  }
  /// Starts a record after those already written (which stay).
  void begin_record() { first_ = true; }
  std::size_t size() const { return static_cast<std::size_t>(cur_ - buf_.get()); }
  void append_to(std::string& out) const { out.append(buf_.get(), size()); }
  std::string_view view() const { return {buf_.get(), size()}; }

  void begin_object() {
    sep();
    put('{');
    first_ = true;
    sync();
  }
  void end_object() {
    put('}');
    first_ = false;
    sync();
  }
  void begin_array() {
    sep();
    put('[');
    first_ = true;
    sync();
  }
  void end_array() {
    put(']');
    first_ = false;
    sync();
  }
  void newline() {
    put('\n');
    sync();
  }

  /// k must be a plain identifier (no escaping is done).
  void key(std::string_view k) {
    need(k.size() + 4);
    if (!first_) *cur_++ = ',';
    *cur_++ = '"';
    std::memcpy(cur_, k.data(), k.size());
    cur_ += k.size();
    *cur_++ = '"';
    *cur_++ = ':';
    first_ = true;  // the value follows without a comma
    sync();
  }
  /// A key given as a literal: its length is known at compile time, so the
  /// copy is a few moves rather than a call.
  template <std::size_t N>
  void key(const char (&k)[N]) {
    need(N + 4);
    cur_ = open_key<N>(cur_, k);
    first_ = true;
    sync();
  }
  /// A string value, from any buffer.
  void string(std::string_view v) {
    sep();
    string_value(v);
    sync();
  }
  /// string() for a v that lies in a padded buffer (simd::padding readable
  /// bytes after it: a segment's element): a short value is copied and
  /// checked in one 16-byte move.
  void padded_string(std::string_view v) {
    sep();
    need(v.size() + 2 + kSlack);
    char* p = cur_;
    *p++ = '"';
    if (v.size() - 1 < 16 && padded_short16(p, v)) [[likely]] {
      p += v.size();
      *p++ = '"';
      cur_ = p;
    } else {
      string_slow(v);
    }
    sync();
  }
  /// Verbatim JSON text.
  void raw(std::string_view v) {
    sep();
    need(v.size());
    std::memcpy(cur_, v.data(), v.size());
    cur_ += v.size();
    sync();
  }
  template <std::size_t N>
  void raw(const char (&v)[N]) {
    sep();
    need(N);
    std::memcpy(cur_, v, N - 1);
    cur_ += N - 1;
    sync();
  }
  /// Members rendered before (`"a":1,"b":2`), appended to the open object.
  void members(std::string_view v) {
    sep();
    need(v.size());
    std::memcpy(cur_, v.data(), v.size());
    cur_ += v.size();
    sync();
  }
  void boolean(bool v) {
    if (v) raw("true");
    else raw("false");
  }
  template <std::integral T>
  void integer(T v) {
    sep();
    need(24);
    cur_ = std::to_chars(cur_, cur_ + 24, v).ptr;
    sync();
  }
  /// An X12 decimal as a JSON number; a non-number is written as a string,
  /// so a value is never lost.
  void decimal(std::string_view v) {
    sep();
    decimal_value(v);
    sync();
  }
  /// A CCYYMMDD date (validated by the caller) as "YYYY-MM-DD".
  void date(std::string_view d8) {
    sep();
    need(12);
    put_date(cur_, d8.data());
    cur_ += 12;
    sync();
  }

  /// "k":"v" for a non-empty v; nothing for an empty one.
  template <std::size_t N>
  [[gnu::always_inline]] void field(const char (&k)[N], std::string_view v) {
    if (v.empty()) return;
    // Fused key and value: one capacity check, and for the usual short
    // printable value one copy-and-check with no escaping.
    need(N + v.size() + 8 + kSlack);
    char* p = open_key<N>(cur_, k);
    *p++ = '"';
    first_ = false;
    if (v.size() <= 16 && simd::copy_small_plain(p, v.data(), v.size())) [[likely]] {
      p += v.size();
      *p++ = '"';
      cur_ = p;
    } else {
      cur_ = p - 1;  // the key is written: the value follows it
      string_slow(v);
    }
    sync();
  }
  void field(std::string_view k, std::string_view v) {
    if (v.empty()) return;
    key(k);
    string(v);
  }
  template <std::size_t N>
  void decimal_field(const char (&k)[N], std::string_view v) {
    if (v.empty()) return;
    decimal_field_impl(k, v);
    sync();
  }
  void decimal_field(std::string_view k, std::string_view v) {
    if (v.empty()) return;
    key(k);
    decimal(v);
  }
  template <std::size_t N>
  [[gnu::always_inline]] void date_field(const char (&k)[N], std::string_view d8) {
    if (d8.empty()) return;
    need(N + 16);
    char* p = open_key<N>(cur_, k);
    put_date(p, d8.data());
    cur_ = p + 12;
    first_ = false;
    sync();
  }
  /// An X12 amount; plain: already known to be a JSON number as it stands.
  template <std::size_t N>
  void amount_field(const char (&k)[N], std::string_view text, bool plain) {
    if (text.empty()) return;
    if (plain) {
      need(N + text.size() + 4);
      char* p = open_key<N>(cur_, k);
      std::memcpy(p, text.data(), text.size());
      cur_ = p + text.size();
      first_ = false;
    } else {
      decimal_field_impl(k, text);
    }
    sync();
  }

  // The record-building interface the writer shares with plain_cursor, so
  // one template renders a record through either.
  struct mark {};
  mark open_object() {
    begin_object();
    return {};
  }
  void close_object(mark) { end_object(); }
  mark open_array() {
    begin_array();
    return {};
  }
  void close_array(mark) { end_array(); }
  void array_element() {}  // commas are tracked
  /// Closes an object whose opening was rendered before (members()).
  void close_rendered_object() { end_object(); }
  void array_string(std::string_view v) { string(v); }

 private:
  friend class plain_cursor;
  // Room past the end of a copy: short values are copied in 16-byte moves.
  static constexpr std::size_t kSlack = 32;

  // writer(out): hands what was written to out.
  [[gnu::always_inline]] void sync() {
    if (out_ != nullptr) [[unlikely]]
      flush();
  }
  void flush();

  // Writes [,]"k": at p (the comma unless first in its container); returns
  // the position after the colon.
  template <std::size_t N>
  [[gnu::always_inline]] char* open_key(char* p, const char (&k)[N]) const {
    *p = ',';
    p += first_ ? 0 : 1;
    *p++ = '"';
    std::memcpy(p, k, N - 1);
    p += N - 1;
    p[0] = '"';
    p[1] = ':';
    return p + 2;
  }
  // "YYYY-MM-DD" from CCYYMMDD, in two stores instead of ten byte moves.
  [[gnu::always_inline]] static void put_date(char* p, const char* d8) {
    std::uint64_t x;
    std::memcpy(&x, d8, 8);
    const std::uint64_t head =
        std::uint64_t{'"'} | (x & 0xffffffffu) << 8 | std::uint64_t{'-'} << 40 | (x >> 32 & 0xffffu) << 48;
    const std::uint32_t tail = static_cast<std::uint32_t>('-' | (x >> 48 & 0xffffu) << 8 | std::uint32_t{'"'} << 24);
    std::memcpy(p, &head, 8);
    std::memcpy(p + 8, &tail, 4);
  }
  // Copies v (at most 16 bytes, in a padded buffer) to p (kSlack bytes of
  // room) in one 16-byte move; true when no byte of it needs escaping.
  [[gnu::always_inline]] static bool padded_short16(char* p, std::string_view v) {
    std::memcpy(p, v.data(), 16);
    return (simd::escape_mask16(v.data()) & ((1u << v.size()) - 1)) == 0;
  }
  // The value of string() (the separator written).
  void string_value(std::string_view v) {
    need(v.size() + 2 + kSlack);
    char* p = cur_;
    *p++ = '"';
    if (v.size() <= 16 && simd::copy_small_plain(p, v.data(), v.size())) [[likely]] {
      p += v.size();
      *p++ = '"';
      cur_ = p;
      return;
    }
    string_slow(v);
  }
  template <std::size_t N>
  void decimal_field_impl(const char (&k)[N], std::string_view v) {
    need(N + 4);
    cur_ = open_key<N>(cur_, k);
    first_ = false;
    decimal_value(v);
  }
  void decimal_value(std::string_view v);
  // A string value past its fast path (the separator written, nothing else):
  // long or needing escapes.
  [[gnu::noinline]] void string_slow(std::string_view v);

  void sep() {
    if (!first_) put(',');
    first_ = false;
  }
  [[gnu::always_inline]] void put(char c) {
    need(1);
    *cur_++ = c;
  }
  [[gnu::always_inline]] void need(std::size_t n) {
    if (static_cast<std::size_t>(end_ - cur_) < n) [[unlikely]]
      grow(n);
  }
  [[gnu::noinline]] void grow(std::size_t n);

  std::unique_ptr<char[]> buf_;
  char* cur_ = nullptr;
  char* end_ = nullptr;
  bool first_ = true;
  std::string* out_ = nullptr;
};

/// Writes a record straight into a writer's buffer when every string value
/// is known to need no escaping (the caller has checked its sources) and
/// lies in a padded buffer (simd::padding readable bytes after it): no
/// per-value check, values copied in 16-byte moves, and no comma
/// bookkeeping. Every member is written with a leading comma, and closing a
/// container turns the comma of its first member into its opening bracket.
/// Over a writer(); call done() when the record is written.
class plain_cursor {
 public:
  explicit plain_cursor(writer& w) : w_(w), base_(w.buf_.get()), p_(w.cur_), end_(w.end_) {}
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
  template <std::size_t N>
  void raw(const char (&v)[N]) {
    room(N);
    std::memcpy(p_, v, N - 1);
    p_ += N - 1;
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
  template <std::integral T>
  void integer(T v) {
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
    writer::put_date(p, d8.data());
    p_ = p + 12;
  }
  /// An X12 amount: as is when plain (already a JSON number), else through
  /// the writer's conversion.
  template <std::size_t N>
  [[gnu::always_inline]] void amount_field(const char (&k)[N], std::string_view text, bool plain) {
    if (text.empty()) return;
    if (!plain) [[unlikely]] {
      w_.cur_ = p_;
      w_.first_ = false;
      w_.decimal_field_impl(k, text);
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
  // v lies in a padded buffer and p has kSlack bytes of room: values up to
  // 32 bytes (nearly all) are copied in one or two fixed 16-byte moves, not
  // a memcpy call for a length known only at run time.
  [[gnu::always_inline]] static char* copy(char* p, std::string_view v) {
    if (v.size() <= 16) [[likely]] {
      std::memcpy(p, v.data(), 16);
    } else if (v.size() <= 32) {
      std::memcpy(p, v.data(), 32);
    } else {
      std::memcpy(p, v.data(), v.size());
    }
    return p + v.size();
  }
  [[gnu::always_inline]] void room(std::size_t n) {
    if (static_cast<std::size_t>(end_ - p_) < n) [[unlikely]]
      grow(n);
  }
  [[gnu::noinline]] void grow(std::size_t n) {
    w_.cur_ = p_;
    w_.grow(n);
    base_ = w_.buf_.get();
    p_ = w_.cur_;
    end_ = w_.end_;
  }

  writer& w_;
  char* base_;
  char* p_;
  char* end_;
};

}  // namespace claimkit::json
