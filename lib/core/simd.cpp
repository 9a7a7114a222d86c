#include "core/simd.hpp"

namespace claimkit::simd {
namespace {

[[maybe_unused]] void scan_portable(const char* p, const block_bytes& b, block_masks& m) {
  std::uint64_t term = 0, element = 0, line_break = 0, special = 0;
  for (unsigned k = 0; k < 64; ++k) {
    const char c = p[k];
    const auto u = static_cast<unsigned char>(c);
    const std::uint64_t bit = std::uint64_t{1} << k;
    term |= c == b.term ? bit : 0;
    element |= c == b.element ? bit : 0;
    line_break |= (c == b.break1 || c == b.break2) ? bit : 0;
    special |= (u < 0x20 || u >= 0x7f || c == '"' || c == '\\') ? bit : 0;
  }
  m.term = term;
  m.element = element;
  m.line_break = line_break;
  m.special = special;
}

#ifdef CLAIMKIT_SIMD_X86

inline std::uint64_t bits16(__m128i m) { return static_cast<std::uint32_t>(_mm_movemask_epi8(m)); }

void scan_sse2(const char* p, const block_bytes& b, block_masks& m) {
  const __m128i vt = _mm_set1_epi8(b.term), ve = _mm_set1_epi8(b.element), vb1 = _mm_set1_epi8(b.break1),
                vb2 = _mm_set1_epi8(b.break2), space = _mm_set1_epi8(0x20), del = _mm_set1_epi8(0x7f),
                quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\');
  std::uint64_t term = 0, element = 0, line_break = 0, special = 0;
#pragma GCC unroll 4
  for (unsigned k = 0; k < 64; k += 16) {
    __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + k));
    term |= bits16(_mm_cmpeq_epi8(x, vt)) << k;
    element |= bits16(_mm_cmpeq_epi8(x, ve)) << k;
    line_break |= bits16(_mm_or_si128(_mm_cmpeq_epi8(x, vb1), _mm_cmpeq_epi8(x, vb2))) << k;
    // As signed bytes, below 0x20 takes in the controls and all of 0x80-0xff.
    special |= bits16(_mm_or_si128(_mm_or_si128(_mm_cmplt_epi8(x, space), _mm_cmpeq_epi8(x, del)),
                                   _mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, backslash))))
               << k;
  }
  m.term = term;
  m.element = element;
  m.line_break = line_break;
  m.special = special;
}

#define CLAIMKIT_SIMD_AVX2 __attribute__((target("avx2")))
#define CLAIMKIT_SIMD_AVX512 __attribute__((target("avx512f,avx512bw")))

CLAIMKIT_SIMD_AVX2 inline std::uint64_t bits32(__m256i m) {
  return static_cast<std::uint32_t>(_mm256_movemask_epi8(m));
}

CLAIMKIT_SIMD_AVX2 void scan_avx2(const char* p, const block_bytes& b, block_masks& m) {
  const __m256i vt = _mm256_set1_epi8(b.term), ve = _mm256_set1_epi8(b.element), vb1 = _mm256_set1_epi8(b.break1),
                vb2 = _mm256_set1_epi8(b.break2), space = _mm256_set1_epi8(0x20), del = _mm256_set1_epi8(0x7f),
                quote = _mm256_set1_epi8('"'), backslash = _mm256_set1_epi8('\\');
  std::uint64_t term = 0, element = 0, line_break = 0, special = 0;
  for (unsigned k = 0; k < 64; k += 32) {
    __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + k));
    term |= bits32(_mm256_cmpeq_epi8(x, vt)) << k;
    element |= bits32(_mm256_cmpeq_epi8(x, ve)) << k;
    line_break |= bits32(_mm256_or_si256(_mm256_cmpeq_epi8(x, vb1), _mm256_cmpeq_epi8(x, vb2))) << k;
    special |= bits32(_mm256_or_si256(_mm256_or_si256(_mm256_cmpgt_epi8(space, x), _mm256_cmpeq_epi8(x, del)),
                                      _mm256_or_si256(_mm256_cmpeq_epi8(x, quote), _mm256_cmpeq_epi8(x, backslash))))
               << k;
  }
  m.term = term;
  m.element = element;
  m.line_break = line_break;
  m.special = special;
}

CLAIMKIT_SIMD_AVX512 void scan_avx512(const char* p, const block_bytes& b, block_masks& m) {
  const __m512i x = _mm512_loadu_si512(p);
  m.term = _mm512_cmpeq_epi8_mask(x, _mm512_set1_epi8(b.term));
  m.element = _mm512_cmpeq_epi8_mask(x, _mm512_set1_epi8(b.element));
  m.line_break =
      _mm512_cmpeq_epi8_mask(x, _mm512_set1_epi8(b.break1)) | _mm512_cmpeq_epi8_mask(x, _mm512_set1_epi8(b.break2));
  m.special = _mm512_cmplt_epu8_mask(x, _mm512_set1_epi8(0x20)) | _mm512_cmpge_epu8_mask(x, _mm512_set1_epi8(0x7f)) |
              _mm512_cmpeq_epi8_mask(x, _mm512_set1_epi8('"')) | _mm512_cmpeq_epi8_mask(x, _mm512_set1_epi8('\\'));
}

#endif

using scan_fn = void (*)(const char*, const block_bytes&, block_masks&);

struct choice {
  scan_fn fn;
  const char* name;
};

// Null when this build or CPU has no kernel of that width.
choice pick(cpu::vector_isa isa) {
#ifdef CLAIMKIT_SIMD_X86
  switch (isa) {
    case cpu::vector_isa::best:
      if (cpu::has(cpu::vector_isa::avx512)) return {scan_avx512, "avx512"};
      if (cpu::has(cpu::vector_isa::avx2)) return {scan_avx2, "avx2"};
      return {scan_sse2, "sse2"};
    case cpu::vector_isa::sse2: return {scan_sse2, "sse2"};
    case cpu::vector_isa::avx2: return cpu::has(isa) ? choice{scan_avx2, "avx2"} : choice{nullptr, nullptr};
    case cpu::vector_isa::avx512: return cpu::has(isa) ? choice{scan_avx512, "avx512"} : choice{nullptr, nullptr};
  }
  return {nullptr, nullptr};
#else
  if (isa == cpu::vector_isa::best) return {scan_portable, "portable"};
  return {nullptr, nullptr};
#endif
}

choice g_scan = pick(cpu::vector_isa::best);

}  // namespace

const char* block_isa_name() { return g_scan.name; }

bool use_block_isa(cpu::vector_isa isa) {
  const choice c = pick(isa);
  if (c.fn == nullptr) return false;
  g_scan = c;
  return true;
}

void scan64(const char* p, const block_bytes& b, block_masks& m) { g_scan.fn(p, b, m); }

bool json_plain(std::string_view v) {
  const char* p = v.data();
  const std::size_t n = v.size();
  if (n < 16) {
    char scratch[16];
    return copy_small_plain(scratch, p, n);
  }
  // Whole blocks, then the last 16 bytes (overlapping): never past the end.
  for (std::size_t k = 0; k + 16 <= n; k += 16) {
    if (escape_mask16(p + k) != 0) return false;
  }
  return escape_mask16(p + n - 16) == 0;
}

}  // namespace claimkit::simd
