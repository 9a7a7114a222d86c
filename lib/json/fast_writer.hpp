#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

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
  void string(std::string_view v);
  void literal(std::string_view v) {  // verbatim JSON text
    sep();
    need(v.size());
    std::memcpy(cur_, v.data(), v.size());
    cur_ += v.size();
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
  void decimal(std::string_view v);
  /// A CCYYMMDD date (validated by the caller) as "YYYY-MM-DD".
  void date(std::string_view d8) {
    sep();
    need(12);
    *cur_++ = '"';
    std::memcpy(cur_, d8.data(), 4);
    cur_[4] = '-';
    cur_[5] = d8[4];
    cur_[6] = d8[5];
    cur_[7] = '-';
    cur_[8] = d8[6];
    cur_[9] = d8[7];
    cur_[10] = '"';
    cur_ += 11;
  }

  void field(std::string_view k, std::string_view v) {
    if (v.empty()) return;
    // Fused key and plain value: one capacity check, no escaping needed for
    // the usual printable ASCII.
    need(k.size() + v.size() + 6);
    if (!plain(v)) {
      key(k);
      string(v);
      return;
    }
    char* p = cur_;
    if (!first_) *p++ = ',';
    *p++ = '"';
    std::memcpy(p, k.data(), k.size());
    p += k.size();
    *p++ = '"';
    *p++ = ':';
    *p++ = '"';
    std::memcpy(p, v.data(), v.size());
    p += v.size();
    *p++ = '"';
    cur_ = p;
    first_ = false;
  }
  /// True when v needs no escaping in a JSON string.
  static bool plain(std::string_view v) {
    for (char ch : v) {
      auto c = static_cast<unsigned char>(ch);
      if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') return false;
    }
    return true;
  }
  void decimal_field(std::string_view k, std::string_view v) {
    if (!v.empty()) { key(k); decimal(v); }
  }
  void date_field(std::string_view k, std::string_view d8) {
    if (!d8.empty()) { key(k); date(d8); }
  }

 private:
  void sep() {
    if (!first_) put(',');
    first_ = false;
  }
  void put(char c) {
    need(1);
    *cur_++ = c;
  }
  void need(std::size_t n) {
    if (static_cast<std::size_t>(end_ - cur_) < n) grow(n);
  }
  void grow(std::size_t n);

  std::unique_ptr<char[]> buf_;
  char* cur_ = nullptr;
  char* end_ = nullptr;
  bool first_ = true;
};

}  // namespace claimkit::json
