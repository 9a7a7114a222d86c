#include "json/writer.hpp"

#include <algorithm>
#include <array>
#include <charconv>

#include "core/utf8.hpp"

namespace claimkit::json {
namespace {

// 0: copy as is; 1: needs escaping; 2: non-ASCII (validate UTF-8).
constexpr std::array<std::uint8_t, 256> make_class_table() {
  std::array<std::uint8_t, 256> t{};
  for (int c = 0; c < 0x20; ++c) t[c] = 1;
  t['"'] = 1;
  t['\\'] = 1;
  t[0x7f] = 1;
  for (int c = 0x80; c < 0x100; ++c) t[c] = 2;
  return t;
}
constexpr auto kClass = make_class_table();

}  // namespace

void append_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  const auto* run = p;
  while (p < end) {
    std::uint8_t cls = kClass[*p];
    if (cls == 0) {
      ++p;
      continue;
    }
    if (cls == 2) {
      std::size_t n = utf8::sequence_length(p, static_cast<std::size_t>(end - p));
      if (n != 0) {
        p += n;
        continue;
      }
    }
    out.append(reinterpret_cast<const char*>(run), static_cast<std::size_t>(p - run));
    unsigned char c = *p++;
    run = p;
    switch (c) {
      case '"': out.append("\\\"", 2); break;
      case '\\': out.append("\\\\", 2); break;
      case '\n': out.append("\\n", 2); break;
      case '\r': out.append("\\r", 2); break;
      case '\t': out.append("\\t", 2); break;
      default:
        if (c >= 0x80) {
          out.append("\\ufffd", 6);
        } else {
          char esc[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 15]};
          out.append(esc, 6);
        }
    }
  }
  out.append(reinterpret_cast<const char*>(run), static_cast<std::size_t>(p - run));
  out.push_back('"');
}

bool append_decimal(std::string& out, std::string_view s) {
  if (is_plain_decimal(s)) {
    out.append(s);
    return true;
  }
  // X12 R elements allow a leading '+'? No: only '-', optional leading zeros,
  // and a '.' with digits on either side. Normalise those into JSON form.
  std::size_t i = 0;
  bool neg = false;
  if (i < s.size() && s[i] == '-') {
    neg = true;
    ++i;
  }
  std::size_t int_begin = i;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
  std::string_view int_part = s.substr(int_begin, i - int_begin);
  std::string_view frac_part;
  if (i < s.size() && s[i] == '.') {
    ++i;
    std::size_t fb = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    frac_part = s.substr(fb, i - fb);
  }
  if (i != s.size() || (int_part.empty() && frac_part.empty())) return false;
  while (int_part.size() > 1 && int_part[0] == '0') int_part.remove_prefix(1);
  if (neg) out.push_back('-');
  if (int_part.empty()) out.push_back('0');
  else out.append(int_part);
  if (!frac_part.empty()) {
    out.push_back('.');
    out.append(frac_part);
  }
  return true;
}

void writer::grow(std::size_t n) {
  const std::size_t used = size();
  const std::size_t cap = static_cast<std::size_t>(end_ - buf_.get());
  // writer(out) keeps only the text of one call; writer() gathers records.
  const std::size_t first = out_ != nullptr ? 1024 : 64 * 1024;
  const std::size_t want = std::max({cap * 2, used + n + 1024, first});
  std::unique_ptr<char[]> nb(new char[want]);
  if (used > 0) std::memcpy(nb.get(), buf_.get(), used);
  buf_ = std::move(nb);
  cur_ = buf_.get() + used;
  end_ = buf_.get() + want;
}

void writer::flush() {
  out_->append(buf_.get(), size());
  cur_ = buf_.get();
}

void writer::string_slow(std::string_view v) {
  if (simd::json_plain(v)) {
    need(v.size() + 2);
    *cur_++ = '"';
    std::memcpy(cur_, v.data(), v.size());
    cur_ += v.size();
    *cur_++ = '"';
    return;
  }
  // Rare: the general escaper (control characters, non-ASCII).
  std::string tmp;
  append_string(tmp, v);
  need(tmp.size());
  std::memcpy(cur_, tmp.data(), tmp.size());
  cur_ += tmp.size();
}

void writer::decimal_value(std::string_view v) {
  if (is_plain_decimal(v)) {
    need(v.size());
    std::memcpy(cur_, v.data(), v.size());
    cur_ += v.size();
    return;
  }
  std::string tmp;
  if (!append_decimal(tmp, v)) {
    string_value(v);
    return;
  }
  need(tmp.size());
  std::memcpy(cur_, tmp.data(), tmp.size());
  cur_ += tmp.size();
}

}  // namespace claimkit::json
