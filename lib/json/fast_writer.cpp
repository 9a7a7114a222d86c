#include "json/fast_writer.hpp"

#include <array>
#include <charconv>

#include "json/writer.hpp"

namespace claimkit::json {

void fast_writer::grow(std::size_t n) {
  std::size_t used = buf_ ? static_cast<std::size_t>(cur_ - buf_.get()) : 0;
  std::size_t cap = buf_ ? static_cast<std::size_t>(end_ - buf_.get()) : 0;
  std::size_t want = std::max(cap * 2, used + n + 1024);
  std::unique_ptr<char[]> nb(new char[want]);
  if (used > 0) std::memcpy(nb.get(), buf_.get(), used);
  buf_ = std::move(nb);
  cur_ = buf_.get() + used;
  end_ = buf_.get() + want;
}

namespace {
constexpr std::array<bool, 256> make_escape_table() {
  std::array<bool, 256> t{};
  for (int c = 0; c < 0x20; ++c) t[c] = true;
  for (int c = 0x7f; c < 0x100; ++c) t[c] = true;
  t['"'] = true;
  t['\\'] = true;
  return t;
}
constexpr auto kEscape = make_escape_table();
}  // namespace

void fast_writer::string_slow(std::string_view v) {
  // Fast path: printable ASCII without quotes or backslashes is copied as is.
  bool plain = true;
  for (char ch : v) plain &= !kEscape[static_cast<unsigned char>(ch)];
  if (plain) {
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

void fast_writer::value_after_key(char* p, std::string_view v) {
  if (copy_plain(p, v)) {
    p += v.size();
    *p++ = '"';
    cur_ = p;
    first_ = false;
    return;
  }
  first_ = false;
  cur_ = p - 1;  // the key is written: the value follows it
  string_slow(v);
}

void fast_writer::integer(std::uint64_t v) {
  sep();
  need(24);
  auto r = std::to_chars(cur_, cur_ + 24, v);
  cur_ = r.ptr;
}

void fast_writer::decimal_slow(std::string_view v) {
  std::string tmp;
  if (append_decimal(tmp, v)) literal(tmp); else string(v);
}

}  // namespace claimkit::json
