// The 16-byte kernels of core/simd give what a byte-by-byte reading gives,
// on every alignment and for every byte value, in the build's own kernel
// (SSE2 on x86-64, the plain C++ one under CLAIMKIT_PORTABLE_SIMD).
#include <doctest/doctest.h>

#include <cstdint>
#include <random>
#include <string>

#include "core/simd.hpp"

using namespace claimkit;

TEST_CASE("16-byte masks match a byte-wise reading") {
  std::mt19937 rnd(16);
  const std::string interesting = "0123456789.-~*:\"\\\x01\x1f\x20\x7e\x7f\x80\xff/";
  for (int round = 0; round < 20000; ++round) {
    char block[16 + 15];
    for (char& c : block) {
      c = rnd() % 2 == 0 ? interesting[rnd() % interesting.size()] : static_cast<char>(rnd() & 0xff);
    }
    const char* p = block + rnd() % 16;  // any alignment
    const char sep = interesting[rnd() % interesting.size()];
    unsigned eq = 0, digit = 0, escape = 0;
    for (unsigned k = 0; k < 16; ++k) {
      const auto c = static_cast<unsigned char>(p[k]);
      eq |= static_cast<unsigned>(p[k] == sep) << k;
      digit |= static_cast<unsigned>(c >= '0' && c <= '9') << k;
      escape |= static_cast<unsigned>(c < 0x20 || c >= 0x7f || c == '"' || c == '\\') << k;
    }
    REQUIRE(simd::eq_mask16(p, sep) == eq);
    REQUIRE(simd::digit_mask16(p) == digit);
    REQUIRE(simd::escape_mask16(p) == escape);
  }
}

TEST_CASE("the word check finds a byte needing escapes at every position") {
  for (unsigned pos = 0; pos < 8; ++pos) {
    for (unsigned c = 0; c < 256; ++c) {
      std::uint64_t x = 0x6161616161616161u;  // "aaaaaaaa"
      x = (x & ~(std::uint64_t{0xff} << (8 * pos))) | std::uint64_t{c} << (8 * pos);
      const bool bad = c < 0x20 || c >= 0x7f || c == '"' || c == '\\';
      INFO(pos, " ", c);
      REQUIRE((simd::escape_in_word(x) != 0) == bad);
    }
  }
}

TEST_CASE("padded_assign leaves the padding inside the allocation") {
  std::string s;
  simd::padded_assign(s, "abc");
  CHECK(s == "abc");
  CHECK(s.capacity() >= 3 + simd::padding);
  simd::padded_assign(s, std::string(300, 'z'));
  CHECK(s.capacity() >= 300 + simd::padding);
}

TEST_CASE("the block scan in use is named") {
  const std::string name = simd::block_isa_name();
#if defined(__x86_64__) && !defined(CLAIMKIT_PORTABLE_SIMD)
  CHECK((name == "sse2" || name == "avx2" || name == "avx512"));
#else
  CHECK(name == "portable");
#endif
}
