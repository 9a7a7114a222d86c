#include "age/money.hpp"

namespace claimkit::age {
namespace {
constexpr micros kLimit = 9'000'000'000'000LL * 1'000'000LL;
}

amount_status parse_amount(std::string_view s, micros& out) {
  std::size_t i = 0;
  bool neg = false;
  if (i < s.size() && s[i] == '-') {
    neg = true;
    ++i;
  }
  // Collect the significant digits and where the decimal point falls.
  wide_int mant = 0;
  int point_shift = 0;  // value = mant * 10^point_shift
  int ndigits = 0;
  bool any = false;
  int dropped_first = -1;  // first digit that did not fit (for rounding)
  auto take = [&](char c, bool fractional) {
    any = true;
    int d = c - '0';
    if (ndigits < 30) {
      if (mant != 0 || d != 0) ++ndigits;
      mant = mant * 10 + d;
      if (fractional) --point_shift;
    } else if (!fractional) {
      ++point_shift;
      if (dropped_first < 0) dropped_first = d;
    } else if (dropped_first < 0) {
      dropped_first = d;
    }
  };
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') take(s[i++], false);
  if (i < s.size() && s[i] == '.') {
    ++i;
    bool frac = false;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      take(s[i++], true);
      frac = true;
    }
    if (!frac) return amount_status::not_a_number;
  }
  if (!any) return amount_status::not_a_number;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    bool eneg = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) eneg = s[i++] == '-';
    int e = 0;
    bool edig = false;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      if (e < 10000) e = e * 10 + (s[i] - '0');
      ++i;
      edig = true;
    }
    if (!edig) return amount_status::not_a_number;
    point_shift += eneg ? -e : e;
  }
  if (i != s.size()) return amount_status::not_a_number;
  if (mant == 0) {
    out = 0;
    return amount_status::ok;
  }
  if (neg) return amount_status::negative;
  int shift = point_shift + 6;  // to millionths
  if (shift > 0) {
    if (shift > 25) return amount_status::too_large;
    for (int k = 0; k < shift; ++k) {
      mant *= 10;
      if (mant > kLimit) return amount_status::too_large;
    }
  } else if (shift < 0) {
    int last = 0;
    for (int k = 0; k < -shift && mant != 0; ++k) {
      last = static_cast<int>(mant % 10);
      mant /= 10;
    }
    if (-shift > 40) last = 0;
    if (last >= 5) ++mant;
  } else if (dropped_first >= 5) {
    ++mant;
  }
  if (mant > kLimit) return amount_status::too_large;
  out = static_cast<micros>(mant);
  return amount_status::ok;
}

void append_money(std::string& out, micros m, bool thousands) {
  bool neg = m < 0;
  wide_int v = m;
  if (neg) v = -v;
  wide_int cents = (v + 5000) / 10000;
  std::int64_t units = static_cast<std::int64_t>(cents / 100);
  int frac = static_cast<int>(cents % 100);
  if (neg && cents != 0) out.push_back('-');
  std::string digits = std::to_string(units);
  if (thousands) {
    std::size_t lead = digits.size() % 3;
    if (lead == 0) lead = 3;
    out.append(digits, 0, lead);
    for (std::size_t p = lead; p < digits.size(); p += 3) {
      out.push_back(',');
      out.append(digits, p, 3);
    }
  } else {
    out += digits;
  }
  out.push_back('.');
  out.push_back(static_cast<char>('0' + frac / 10));
  out.push_back(static_cast<char>('0' + frac % 10));
}

std::string format_money(micros m, bool thousands) {
  std::string s;
  append_money(s, m, thousands);
  return s;
}

std::int64_t share_tenths(micros part, micros whole) {
  if (whole <= 0) return 0;
  wide_int num = static_cast<wide_int>(part) * 2000 + whole;
  return static_cast<std::int64_t>(num / (static_cast<wide_int>(whole) * 2));
}

void append_tenths(std::string& out, std::int64_t tenths) {
  if (tenths < 0) {
    out.push_back('-');
    tenths = -tenths;
  }
  out += std::to_string(tenths / 10);
  out.push_back('.');
  out.push_back(static_cast<char>('0' + tenths % 10));
}

}  // namespace claimkit::age
