#include "dates/civil.hpp"

#include <ctime>

namespace claimkit::dates {

bool is_leap_year(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int days_in_month(int year, int month) {
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && is_leap_year(year)) return 29;
  return kDays[month - 1];
}

// Counts in 400-year eras (146097 days each) with the year starting on
// March 1st, so the leap day is the last day of its year and month lengths
// follow a fixed pattern.
day_number to_days(const civil& c) {
  const int y = c.month <= 2 ? c.year - 1 : c.year;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int year_of_era = y - era * 400;                              // [0, 399]
  const int shifted_month = c.month > 2 ? c.month - 3 : c.month + 9;  // March = 0
  const int day_of_year = (153 * shifted_month + 2) / 5 + c.day - 1;  // [0, 365]
  const int day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + day_of_era - 719468;  // 719468: 0000-03-01 to 1970-01-01
}

civil from_days(day_number d) {
  const int z = d + 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const int day_of_era = z - era * 146097;
  const int year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const int day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const int shifted_month = (5 * day_of_year + 2) / 153;
  civil c;
  c.day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
  c.month = shifted_month < 10 ? shifted_month + 3 : shifted_month - 9;
  c.year = year_of_era + era * 400 + (c.month <= 2 ? 1 : 0);
  return c;
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

bool parse(std::string_view text, day_number& out) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  civil c;
  if (!digits(text, 0, 4, c.year) || !digits(text, 5, 2, c.month) || !digits(text, 8, 2, c.day)) return false;
  if (c.year < 1 || c.month < 1 || c.month > 12 || c.day < 1 || c.day > days_in_month(c.year, c.month)) {
    return false;
  }
  out = to_days(c);
  return true;
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

day_number today_local() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  ::localtime_r(&now, &tm);
  return to_days(civil{tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday});
}

}  // namespace claimkit::dates
