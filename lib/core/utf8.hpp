#pragma once

#include <cstddef>
#include <cstdint>

namespace claimkit::utf8 {

/// Length of the valid UTF-8 sequence at p (p[0] >= 0x80) within left bytes,
/// or 0 when it is not one: overlong forms, surrogates and code points past
/// U+10FFFF are invalid. The JSON writer and the reader's error locator share
/// it, so what one writes the other accepts.
inline std::size_t sequence_length(const unsigned char* p, std::size_t left) {
  unsigned c = p[0];
  std::size_t n;
  std::uint32_t cp;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
    cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    cp = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (left < n) return 0;
  for (std::size_t i = 1; i < n; ++i) {
    if ((p[i] & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (p[i] & 0x3F);
  }
  if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF))) {
    return 0;
  }
  return n;
}

}  // namespace claimkit::utf8
