#include "push/sha256.hpp"

#include <openssl/evp.h>

#include "core/error.hpp"

namespace claimkit::push {

std::array<std::uint8_t, 32> sha256(std::string_view data) {
  std::array<std::uint8_t, 32> out{};
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &len, EVP_sha256(), nullptr) != 1 || len != out.size()) {
    throw error(cli::exit_code::internal, "sha-256 digest failed (libcrypto)");
  }
  return out;
}

std::string sha256_hex(std::string_view data, std::size_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  auto d = sha256(data);
  std::string s;
  for (std::size_t i = 0; i < n && i < d.size(); ++i) {
    s.push_back(kHex[d[i] >> 4]);
    s.push_back(kHex[d[i] & 15]);
  }
  return s;
}

}  // namespace claimkit::push
