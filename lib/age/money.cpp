#include "age/money.hpp"

namespace claimkit::age {
namespace {

constexpr std::int64_t kPow10[19] = {1,
                                     10,
                                     100,
                                     1'000,
                                     10'000,
                                     100'000,
                                     1'000'000,
                                     10'000'000,
                                     100'000'000,
                                     1'000'000'000,
                                     10'000'000'000,
                                     100'000'000'000,
                                     1'000'000'000'000,
                                     10'000'000'000'000,
                                     100'000'000'000'000,
                                     1'000'000'000'000'000,
                                     10'000'000'000'000'000,
                                     100'000'000'000'000'000,
                                     1'000'000'000'000'000'000};

bool digit(char c) { return c >= '0' && c <= '9'; }

// A total times a small factor, kept as units and a remainder below 10^18
// (both 128-bit), so that products of totals compare exactly.
struct scaled {
  wide_int units;
  wide_int atto;
};

scaled times(const money_total& m, std::int64_t k) {
  wide_int a = static_cast<wide_int>(m.atto) * k;
  return {m.units * k + a / kAttoPerUnit, a % kAttoPerUnit};
}

scaled plus(scaled a, scaled b) {
  wide_int at = a.atto + b.atto;
  return {a.units + b.units + at / kAttoPerUnit, at % kAttoPerUnit};
}

bool not_above(const scaled& a, const scaled& b) { return a.units != b.units ? a.units < b.units : a.atto <= b.atto; }

void append_wide(std::string& out, wide_int v) {
  char buf[48];
  int n = 0;
  do {
    buf[n++] = static_cast<char>('0' + static_cast<int>(v % 10));
    v /= 10;
  } while (v != 0);
  while (n > 0) out.push_back(buf[--n]);
}

}  // namespace

money minus(money a, money b) {
  money r{a.units - b.units, a.atto - b.atto};
  if (r.atto < 0) {
    r.atto += kAttoPerUnit;
    --r.units;
  }
  return r;
}

amount_status parse_amount(std::string_view s, money& out) {
  // Where the digits are; the value is then the digit string with the
  // decimal point after `point` of its digits.
  std::size_t i = 0;
  bool neg = false;
  if (i < s.size() && s[i] == '-') {
    neg = true;
    ++i;
  }
  std::size_t int_begin = i;
  while (i < s.size() && digit(s[i])) ++i;
  std::size_t int_end = i, frac_begin = i, frac_end = i;
  if (i < s.size() && s[i] == '.') {
    frac_begin = ++i;
    while (i < s.size() && digit(s[i])) ++i;
    frac_end = i;
    if (frac_end == frac_begin) return amount_status::not_a_number;
  }
  if (int_end == int_begin && frac_end == frac_begin) return amount_status::not_a_number;
  std::int64_t exp = 0;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    bool eneg = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) eneg = s[i++] == '-';
    if (i == s.size() || !digit(s[i])) return amount_status::not_a_number;
    while (i < s.size() && digit(s[i])) {
      if (exp < 1'000'000'000) exp = exp * 10 + (s[i] - '0');
      ++i;
    }
    if (eneg) exp = -exp;
  }
  if (i != s.size()) return amount_status::not_a_number;

  // Each non-zero digit's power of ten: 10^18 and up is out of range, below
  // 10^-18 cannot be held exactly.
  money m;
  bool nonzero = false;
  std::int64_t point = static_cast<std::int64_t>(int_end - int_begin) + exp;
  auto take = [&](char c, std::int64_t index) {
    if (c == '0') return amount_status::ok;
    nonzero = true;
    std::int64_t power = point - 1 - index;
    if (power >= 18) return amount_status::too_large;
    if (power < -18) return amount_status::too_precise;
    std::int64_t d = c - '0';
    if (power >= 0) m.units += d * kPow10[power];
    else m.atto += d * kPow10[18 + power];
    return amount_status::ok;
  };
  std::int64_t index = 0;
  amount_status worst = amount_status::ok;
  auto note = [&](amount_status st) {
    // too_large outranks too_precise: the value could never be held.
    if (st == amount_status::too_large || (st == amount_status::too_precise && worst == amount_status::ok)) worst = st;
  };
  for (std::size_t k = int_begin; k < int_end; ++k) note(take(s[k], index++));
  for (std::size_t k = frac_begin; k < frac_end; ++k) note(take(s[k], index++));
  if (!nonzero) {
    out = money{};
    return amount_status::ok;
  }
  if (neg) return amount_status::negative;
  if (worst != amount_status::ok) return worst;
  out = m;
  return amount_status::ok;
}

double approx_units(money m) {
  return static_cast<double>(m.units) + static_cast<double>(m.atto) / static_cast<double>(kAttoPerUnit);
}

void append_money(std::string& out, const money_total& m, bool thousands) {
  // Cents, half away from zero (amounts and totals are never negative).
  constexpr std::int64_t kAttoPerCent = kAttoPerUnit / 100;
  wide_int cents = m.units * 100 + (m.atto + kAttoPerCent / 2) / kAttoPerCent;
  wide_int units = cents / 100;
  int frac = static_cast<int>(cents % 100);
  std::string digits;
  append_wide(digits, units);
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

std::string format_money(const money_total& m, bool thousands) {
  std::string s;
  append_money(s, m, thousands);
  return s;
}

std::string format_money(money m, bool thousands) {
  money_total t;
  t.add(m);
  return format_money(t, thousands);
}

std::int64_t scaled_ratio(const money_total& part, const money_total& whole, std::int64_t scale) {
  if (whole.units == 0 && whole.atto == 0) return 0;
  // The largest k with k * 2 * whole <= 2 * scale * part + whole.
  scaled target = plus(times(part, 2 * scale), times(whole, 1));
  std::int64_t lo = 0, hi = scale;
  while (lo < hi) {
    std::int64_t mid = lo + (hi - lo + 1) / 2;
    if (not_above(times(whole, 2 * mid), target)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

std::int64_t share_tenths(const money_total& part, const money_total& whole) { return scaled_ratio(part, whole, 1000); }

std::int64_t share_tenths(std::int64_t part, std::int64_t whole) {
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
