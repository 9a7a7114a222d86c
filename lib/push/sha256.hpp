#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace claimkit::push {

/// SHA-256 (FIPS 180-4) of data. Idempotency keys must be stable across
/// releases and machines, so the digest is computed here rather than taken
/// from whichever TLS library libcurl happens to link.
std::array<std::uint8_t, 32> sha256(std::string_view data);

/// Lowercase hex of the first n bytes of the digest of data.
std::string sha256_hex(std::string_view data, std::size_t n = 32);

}  // namespace claimkit::push
