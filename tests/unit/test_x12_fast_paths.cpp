// The reader's block scan gives the same masks with every vector width, and
// they match a byte-by-byte reading of the same text.
#include <doctest/doctest.h>

#include <cstdint>
#include <random>
#include <string>

#include "core/simd.hpp"
#include "json/writer.hpp"
#include "x12/reader.hpp"
#include "x12/values.hpp"

using namespace claimkit;

namespace {

x12::block_masks by_bytes(const char* p, const x12::block_bytes& b) {
  x12::block_masks m;
  for (unsigned k = 0; k < 64; ++k) {
    const auto c = static_cast<unsigned char>(p[k]);
    const std::uint64_t bit = std::uint64_t{1} << k;
    if (p[k] == b.term) m.term |= bit;
    if (p[k] == b.element) m.element |= bit;
    if (p[k] == b.break1 || p[k] == b.break2) m.line_break |= bit;
    if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') m.special |= bit;
  }
  return m;
}

}  // namespace

TEST_CASE("every scan width finds the same delimiters and escapable bytes as a byte-wise reading") {
  // best first: the only one a portable build has.
  const cpu::vector_isa widths[] = {cpu::vector_isa::best, cpu::vector_isa::sse2, cpu::vector_isa::avx2,
                                    cpu::vector_isa::avx512};
  const x12::block_bytes kinds[] = {{'~', '*', '\n', '\r'}, {'\n', '|', '\r', '\r'}, {'\'', '+', '\n', '\r'}};
  std::mt19937 rnd(277);
  // Bytes that matter more often than chance would give them.
  const std::string interesting = "~*|+'\n\r\"\\\x01\x1f\x20\x7e\x7f\x80\xc3\xff:^AZ09";
  int tried = 0;
  for (auto w : widths) {
    if (!x12::use_scan_isa(w)) continue;  // not on this CPU
    ++tried;
    for (const auto& b : kinds) {
      for (int round = 0; round < 2000; ++round) {
        char block[64];
        for (char& c : block) {
          c = rnd() % 3 == 0 ? interesting[rnd() % interesting.size()] : static_cast<char>(rnd() & 0xff);
        }
        x12::block_masks got;
        x12::scan_block_at(block, b, got);
        const x12::block_masks want = by_bytes(block, b);
        REQUIRE(got.term == want.term);
        REQUIRE(got.element == want.element);
        REQUIRE(got.line_break == want.line_break);
        REQUIRE(got.special == want.special);
      }
    }
  }
  CHECK(tried >= 1);
  CHECK(x12::use_scan_isa(cpu::vector_isa::best));
}

TEST_CASE("the one-vector decimal check agrees with json::is_plain_decimal") {
  std::mt19937 rnd(835);
  const std::string alphabet = "0123456789.-+eE 0.";
  std::string buf(64, ' ');
  int plain = 0;
  for (int round = 0; round < 200000; ++round) {
    const std::size_t n = 1 + rnd() % 18;
    std::string v;
    for (std::size_t i = 0; i < n; ++i) v.push_back(alphabet[rnd() % alphabet.size()]);
    // Copied into a longer buffer so the vector load has the bytes after it.
    buf.assign(v);
    buf.append(32, rnd() % 2 == 0 ? '5' : '.');
    const std::string_view sv(buf.data(), n);
    INFO(v);
    REQUIRE(x12::plain_decimal16(sv) == json::is_plain_decimal(sv));
    plain += json::is_plain_decimal(sv) ? 1 : 0;
  }
  for (std::string_view v : {"0", "-0", "10.50", "-1.5", ".5", "5.", "-", "00", "01.5", "1.2.3", "1234567890123456",
                             "-123456789012345", "0.0000000000001"}) {
    std::string padded;  // values lie in padded buffers, as the reader's do
    simd::padded_assign(padded, v);
    CHECK(x12::plain_decimal16(padded) == json::is_plain_decimal(v));
  }
  CHECK(plain > 1000);  // the random inputs reach the accepting side too
}
