// The vector kernels the kit uses, behind one interface: SSE2 (and AVX2 /
// AVX-512 for the 64-byte block scan, chosen when the program starts) on
// x86-64, plain C++ everywhere else, or everywhere when the build says
// CLAIMKIT_PORTABLE_SIMD (cmake -DCLAIMKIT_PORTABLE_SIMD=ON). Both give the
// same answers; tests run each.
//
// Kernels that load a whole block (16 or 64 bytes) read only inside padded
// buffers: a buffer holding text handed to them has `padding` readable bytes
// after its end (the X12 reader's buffers, padded_assign() strings), so a
// load that starts inside the text never leaves the allocation. The
// sanitizer builds run these same loads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "core/cpu.hpp"

#if defined(__x86_64__) && !defined(CLAIMKIT_PORTABLE_SIMD)
#define CLAIMKIT_SIMD_X86 1
#include <immintrin.h>
#endif

namespace claimkit::simd {

/// Readable bytes after the end of a padded buffer: one 64-byte block, so a
/// block scan or a 16/32-byte load that starts before the end stays inside.
inline constexpr std::size_t padding = 64;

/// "sse2", "avx2", "avx512" or "portable": the block scan in use.
const char* block_isa_name();

/// Chooses the width of scan64 (tests pin each in turn); false (nothing
/// changed) when this CPU or this build lacks it. best: the widest there is.
bool use_block_isa(cpu::vector_isa isa);

/// The bytes scan64 looks for.
struct block_bytes {
  char term = '~', element = '*', break1 = '\n', break2 = '\r';
};
/// Where they are in 64 bytes (bit k: byte k); special: the bytes a JSON
/// string would escape (controls, DEL, non-ASCII, '"', '\\').
struct block_masks {
  std::uint64_t term = 0, element = 0, line_break = 0, special = 0;
};
/// Fills m for the 64 bytes at p, all readable.
void scan64(const char* p, const block_bytes& b, block_masks& m);

/// Bit k set when byte k of the 16 at p is c (16 bytes readable at p).
[[gnu::always_inline]] inline unsigned eq_mask16(const char* p, char c) {
#ifdef CLAIMKIT_SIMD_X86
  const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  return static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8(c))));
#else
  unsigned m = 0;
  for (unsigned k = 0; k < 16; ++k) m |= static_cast<unsigned>(p[k] == c) << k;
  return m;
#endif
}

/// Bit k set when byte k of the 16 at p is an ASCII digit.
[[gnu::always_inline]] inline unsigned digit_mask16(const char* p) {
#ifdef CLAIMKIT_SIMD_X86
  const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  return static_cast<unsigned>(_mm_movemask_epi8(
      _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8('0' - 1)), _mm_cmplt_epi8(x, _mm_set1_epi8('9' + 1)))));
#else
  unsigned m = 0;
  for (unsigned k = 0; k < 16; ++k) m |= static_cast<unsigned>(static_cast<unsigned char>(p[k] - '0') < 10) << k;
  return m;
#endif
}

/// Bit k set when byte k of the 16 at p needs escaping in a JSON string
/// (below 0x20, DEL, 0x80 and up, '"', '\\').
[[gnu::always_inline]] inline unsigned escape_mask16(const char* p) {
#ifdef CLAIMKIT_SIMD_X86
  const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  // As signed bytes, below 0x20 takes in the controls and all of 0x80-0xff.
  const __m128i bad =
      _mm_or_si128(_mm_or_si128(_mm_cmplt_epi8(x, _mm_set1_epi8(0x20)), _mm_cmpeq_epi8(x, _mm_set1_epi8(0x7f))),
                   _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('"')), _mm_cmpeq_epi8(x, _mm_set1_epi8('\\'))));
  return static_cast<unsigned>(_mm_movemask_epi8(bad));
#else
  unsigned m = 0;
  for (unsigned k = 0; k < 16; ++k) {
    const auto c = static_cast<unsigned char>(p[k]);
    m |= static_cast<unsigned>(c < 0x20 || c >= 0x7f || c == '"' || c == '\\') << k;
  }
  return m;
#endif
}

/// Nonzero when a byte of the eight in x (in registers: nothing is loaded)
/// needs escaping in a JSON string. Plain integer arithmetic on every target.
[[gnu::always_inline]] constexpr std::uint64_t escape_in_word(std::uint64_t x) {
  constexpr std::uint64_t ones = 0x0101010101010101u, high = 0x8080808080808080u;
  // A byte is zero -> its high bit (exact as a yes/no for the word).
  auto zero = [](std::uint64_t v) { return (v - ones) & ~v & high; };
  return (x & high) | ((x - ones * 0x20) & ~x & high) | zero(x ^ (ones * 0x7f)) | zero(x ^ (ones * '"')) |
         zero(x ^ (ones * '\\'));
}

/// True when no byte of v needs escaping in a JSON string. Reads only v's
/// bytes (any buffer, padded or not).
bool json_plain(std::string_view v);

/// Copies v (at most 16 bytes) to p, reading only v's bytes and writing at
/// most 16 at p; true when no byte of v needs escaping. The fast path of a
/// writer given values from anywhere: two overlapping word moves and a few
/// integer operations per word instead of a loop over the bytes.
[[gnu::always_inline]] inline bool copy_small_plain(char* p, const char* s, std::size_t n) {
  std::uint64_t a, b;
  if (n >= 8) {
    std::memcpy(&a, s, 8);
    std::memcpy(&b, s + n - 8, 8);
    std::memcpy(p, &a, 8);
    std::memcpy(p + n - 8, &b, 8);
  } else if (n >= 4) {
    std::uint32_t x, y;
    std::memcpy(&x, s, 4);
    std::memcpy(&y, s + n - 4, 4);
    std::memcpy(p, &x, 4);
    std::memcpy(p + n - 4, &y, 4);
    // The upper halves filled with a byte that needs no escaping.
    a = x | 0x6161616100000000u;
    b = y | 0x6161616100000000u;
  } else {
    if (n == 0) return true;
    const char c0 = s[0], c1 = s[n / 2], c2 = s[n - 1];
    p[0] = c0;
    p[n / 2] = c1;
    p[n - 1] = c2;
    a = 0x6161616161000000u | static_cast<unsigned char>(c0) |
        static_cast<std::uint64_t>(static_cast<unsigned char>(c1)) << 8 |
        static_cast<std::uint64_t>(static_cast<unsigned char>(c2)) << 16;
    b = a;
  }
  return (escape_in_word(a) | escape_in_word(b)) == 0;
}

/// Assigns v to s with `padding` bytes of room after it (reserved, inside
/// the allocation), so views into s may be handed to the block loads.
inline void padded_assign(std::string& s, std::string_view v) {
  if (s.capacity() < v.size() + padding) s.reserve(v.size() + padding);
  s.assign(v);
}

}  // namespace claimkit::simd
