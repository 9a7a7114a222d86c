#include "dates/civil.hpp"

#include <chrono>
#include <ctime>

namespace claimkit::dates {

namespace {

// std::chrono's civil calendar (C++20): proleptic Gregorian, the same day
// count from 1970-01-01 as sys_days.
std::chrono::year_month_day ymd_of(const civil& c) {
  return std::chrono::year{c.year} / std::chrono::month{static_cast<unsigned>(c.month)} /
         std::chrono::day{static_cast<unsigned>(c.day)};
}

}  // namespace

bool is_leap_year(int year) { return std::chrono::year{year}.is_leap(); }

int days_in_month(int year, int month) {
  auto last = std::chrono::year{year} / std::chrono::month{static_cast<unsigned>(month)} / std::chrono::last;
  return static_cast<int>(static_cast<unsigned>(last.day()));
}

day_number to_days(const civil& c) {
  return static_cast<day_number>(std::chrono::sys_days{ymd_of(c)}.time_since_epoch().count());
}

civil from_days(day_number d) {
  std::chrono::year_month_day ymd{std::chrono::sys_days{std::chrono::days{d}}};
  return civil{static_cast<int>(ymd.year()), static_cast<int>(static_cast<unsigned>(ymd.month())),
               static_cast<int>(static_cast<unsigned>(ymd.day()))};
}

namespace {
inline bool digits(std::string_view s, std::size_t at, std::size_t n, int& out) {
  int v = 0;
  for (std::size_t i = at; i < at + n; ++i) {
    unsigned d = static_cast<unsigned char>(s[i]) - '0';
    if (d > 9) return false;
    v = v * 10 + static_cast<int>(d);
  }
  out = v;
  return true;
}
}  // namespace

namespace {
// Years 0001-9999, and a day that exists (ymd.ok() knows the leap years).
bool checked(const civil& c, day_number& out) {
  if (c.year < 1 || c.month < 1 || c.month > 12 || c.day < 1 || !ymd_of(c).ok()) return false;
  out = to_days(c);
  return true;
}
}  // namespace

bool parse(std::string_view text, day_number& out) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  civil c;
  if (!digits(text, 0, 4, c.year) || !digits(text, 5, 2, c.month) || !digits(text, 8, 2, c.day)) return false;
  return checked(c, out);
}

bool parse_d8(std::string_view text, day_number& out) {
  if (text.size() != 8) return false;
  civil c;
  if (!digits(text, 0, 4, c.year) || !digits(text, 4, 2, c.month) || !digits(text, 6, 2, c.day)) return false;
  return checked(c, out);
}

bool d8_to_iso(std::string_view d, std::string& out) {
  if (!valid_d8(d)) return false;
  out.assign(d.substr(0, 4));
  out.push_back('-');
  out.append(d.substr(4, 2));
  out.push_back('-');
  out.append(d.substr(6, 2));
  return true;
}

std::string us_to_iso(std::string_view s) {
  auto all_digits = [](std::string_view v) { return !v.empty() && v.find_first_not_of("0123456789") == v.npos; };
  auto a = s.find('/');
  auto b = a == std::string_view::npos ? a : s.find('/', a + 1);
  if (b == std::string_view::npos) return std::string(s);
  auto m = s.substr(0, a), d = s.substr(a + 1, b - a - 1), y = s.substr(b + 1);
  if (!all_digits(m) || !all_digits(d) || !all_digits(y) || m.size() > 2 || d.size() > 2 || y.size() != 4) {
    return std::string(s);
  }
  std::string out(y);
  out.append(m.size() == 1 ? "-0" : "-").append(m).append(d.size() == 1 ? "-0" : "-").append(d);
  return out;
}

bool parse_timestamp_date(std::string_view text, day_number& out) {
  if (text.size() > 10 && text[10] != 'T' && text[10] != 't' && text[10] != ' ') return false;
  return parse(text.substr(0, 10 < text.size() ? 10 : text.size()), out);
}

void append(std::string& out, day_number d) {
  civil c = from_days(d);
  char buf[10];
  int y = c.year;
  for (int i = 3; i >= 0; --i) {
    buf[i] = static_cast<char>('0' + y % 10);
    y /= 10;
  }
  buf[4] = '-';
  buf[5] = static_cast<char>('0' + c.month / 10);
  buf[6] = static_cast<char>('0' + c.month % 10);
  buf[7] = '-';
  buf[8] = static_cast<char>('0' + c.day / 10);
  buf[9] = static_cast<char>('0' + c.day % 10);
  out.append(buf, 10);
}

std::string format(day_number d) {
  std::string s;
  append(s, d);
  return s;
}

std::string format_d8(day_number d) {
  std::string s;
  append(s, d);
  s.erase(7, 1);
  s.erase(4, 1);
  return s;
}

std::string iso_to_d8(std::string_view iso) {
  day_number d;
  return parse(iso, d) ? format_d8(d) : std::string();
}

// The local calendar day needs the time zone: the C library's, since
// libstdc++ 12 has no std::chrono::current_zone().
day_number today_local() {
  std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  ::localtime_r(&now, &tm);
  return to_days(civil{tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday});
}

}  // namespace claimkit::dates
