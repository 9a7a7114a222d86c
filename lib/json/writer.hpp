#pragma once

#include <cstdint>
#include <string>
#include <string_view>

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

/// A small streaming writer: tracks commas so callers only name keys and
/// values. Appends into a caller-owned buffer (typically io::output's).
class writer {
 public:
  explicit writer(std::string& out) : out_(&out) {}

  void begin_object() { sep(); out_->push_back('{'); first_ = true; }
  void end_object() { out_->push_back('}'); first_ = false; }
  void begin_array() { sep(); out_->push_back('['); first_ = true; }
  void end_array() { out_->push_back(']'); first_ = false; }
  /// Key must be a plain identifier (no escaping is done).
  void key(std::string_view k) {
    sep();
    out_->push_back('"');
    out_->append(k);
    out_->append("\":", 2);
    first_ = true;  // the value follows without a comma
  }
  void string(std::string_view v) { sep(); append_string(*out_, v); }
  void boolean(bool v) { sep(); out_->append(v ? "true" : "false"); }
  void integer(std::int64_t v);
  void raw(std::string_view v) { sep(); out_->append(v); }
  /// An X12 decimal; falls back to a string when it is not a number, so a
  /// value is never lost.
  void decimal(std::string_view v) {
    sep();
    if (!append_decimal(*out_, v)) append_string(*out_, v);
  }

  // Convenience: key + value, skipped when the value is empty (absent values
  // are left out of records).
  void field(std::string_view k, std::string_view v) {
    if (!v.empty()) { key(k); string(v); }
  }
  void decimal_field(std::string_view k, std::string_view v) {
    if (!v.empty()) { key(k); decimal(v); }
  }

  std::string& buffer() { return *out_; }

 private:
  void sep() {
    if (!first_) out_->push_back(',');
    first_ = false;
  }
  std::string* out_;
  bool first_ = true;
};

}  // namespace claimkit::json
