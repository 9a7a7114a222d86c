#include "x12/values.hpp"

namespace claimkit::x12 {
namespace {

bool digits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

bool convert_date(std::string_view d, std::string& out) { return dates::d8_to_iso(d, out); }

bool convert_range(std::string_view rd8, std::string& from, std::string& to) {
  if (rd8.size() != 17 || rd8[8] != '-') return false;
  return convert_date(rd8.substr(0, 8), from) && convert_date(rd8.substr(9, 8), to);
}

bool valid_npi(std::string_view npi) {
  if (npi.size() != 10 || !digits(npi)) return false;
  // Luhn over "80840" + first nine digits; the constant 24 stands for the prefix.
  int sum = 24;
  for (int i = 8; i >= 0; --i) {
    int v = npi[static_cast<std::size_t>(i)] - '0';
    if ((8 - i) % 2 == 0) {
      v *= 2;
      if (v > 9) v -= 9;
    }
    sum += v;
  }
  int check = (10 - sum % 10) % 10;
  return check == npi[9] - '0';
}

}  // namespace claimkit::x12
