#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "valid_date reads eight digits as one little-endian word");

namespace claimkit::x12 {

/// Converts an X12 CCYYMMDD date into YYYY-MM-DD; false when it is not a
/// real calendar date (leap years included).
bool convert_date(std::string_view d8, std::string& out);

/// True when d8 is a real CCYYMMDD calendar date (no allocation).
[[gnu::always_inline]] inline bool valid_date(std::string_view d8) {
  if (d8.size() != 8) return false;
  std::uint64_t x;
  std::memcpy(&x, d8.data(), 8);
  // Every byte '0'..'9': high nibble 3, and still 3 after adding 6.
  constexpr std::uint64_t kHigh = 0xF0F0F0F0F0F0F0F0u, kThrees = 0x3030303030303030u;
  if ((x & kHigh) != kThrees || ((x + 0x0606060606060606u) & kHigh) != kThrees) return false;
  x -= kThrees;  // the digit values, first character in the low byte
  auto at = [x](int i) { return static_cast<unsigned>((x >> (8 * i)) & 0xff); };
  const unsigned m = at(4) * 10 + at(5);
  const unsigned day = at(6) * 10 + at(7);
  if (m - 1 >= 12 || day - 1 >= 31) return false;
  if (day <= 28) return true;  // every month has them: no table, no year
  static constexpr unsigned char kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (day <= kDays[m - 1]) return true;
  const unsigned y = at(0) * 1000 + at(1) * 100 + at(2) * 10 + at(3);
  return m == 2 && day == 29 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0);
}

/// Splits an RD8 range "CCYYMMDD-CCYYMMDD" into two converted dates.
bool convert_range(std::string_view rd8, std::string& from, std::string& to);

/// True when a 10-digit NPI passes its Luhn check (with the 80840 prefix).
bool valid_npi(std::string_view npi);

/// True when a segment identifier has the X12 shape: 2-3 upper-case letters or digits, starting with a letter.
inline bool valid_segment_id(std::string_view tag) {
  // Per byte: 1 = upper-case letter, 2 = letter or digit.
  static constexpr auto kClass = [] {
    struct table {
      unsigned char c[256] = {};
    } t;
    for (int ch = 'A'; ch <= 'Z'; ++ch) t.c[ch] = 3;
    for (int ch = '0'; ch <= '9'; ++ch) t.c[ch] = 2;
    return t;
  }();
  auto cls = [](char ch) { return kClass.c[static_cast<unsigned char>(ch)]; };
  if (tag.size() - 2 > 1) return false;  // 2 or 3 characters
  unsigned ok = cls(tag[0]) & cls(tag[1]) & (tag.size() == 2 ? 2u : cls(tag[2]));
  return (cls(tag[0]) & 1u) != 0 && (ok & 2u) != 0;
}

}  // namespace claimkit::x12
