#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace claimkit::push {

/// SHA-256 (FIPS 180-4) of data, computed by libcrypto (EVP). Idempotency
/// keys and journal file names are made from it, so the digest must stay
/// byte-identical across releases: the unit tests pin the FIPS vectors and
/// known keys.
std::array<std::uint8_t, 32> sha256(std::string_view data);

/// Lowercase hex of the first n bytes of the digest of data.
std::string sha256_hex(std::string_view data, std::size_t n = 32);

}  // namespace claimkit::push
