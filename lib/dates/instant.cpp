#include "dates/instant.hpp"

namespace claimkit::dates {

bool parse_instant(std::string_view t, instant& out) {
  day_number day = 0;
  if (t.size() < 10 || !parse(t.substr(0, 10), day)) return false;
  if (t.size() == 10) {
    out = {static_cast<std::int64_t>(day) * 86400, 0};
    return true;
  }
  auto num2 = [&](std::size_t at, int max, int& v) {
    if (at + 2 > t.size() || t[at] < '0' || t[at] > '9' || t[at + 1] < '0' || t[at + 1] > '9') return false;
    v = (t[at] - '0') * 10 + (t[at + 1] - '0');
    return v <= max;
  };
  int hh = 0, mm = 0, ss = 0;
  if (t[10] != 'T' && t[10] != 't' && t[10] != ' ') return false;
  if (!num2(11, 23, hh) || t.size() < 14 || t[13] != ':' || !num2(14, 59, mm) || t.size() < 17 || t[16] != ':' ||
      !num2(17, 60, ss)) {
    return false;
  }
  std::size_t i = 19;
  std::int32_t nanos = 0;
  if (i < t.size() && t[i] == '.') {
    ++i;
    int n = 0;
    while (i < t.size() && t[i] >= '0' && t[i] <= '9') {
      if (n < 9) {
        nanos = nanos * 10 + (t[i] - '0');
        ++n;
      }
      ++i;
    }
    if (n == 0) return false;
    for (; n < 9; ++n) nanos *= 10;
  }
  if (i >= t.size()) return false;
  std::int64_t offset = 0;
  if (t[i] == 'Z' || t[i] == 'z') {
    ++i;
  } else if (t[i] == '+' || t[i] == '-') {
    int oh = 0, om = 0;
    if (!num2(i + 1, 23, oh) || i + 3 >= t.size() || t[i + 3] != ':' || !num2(i + 4, 59, om)) return false;
    offset = (oh * 60 + om) * 60;
    if (t[i] == '-') offset = -offset;
    i += 6;
  } else {
    return false;
  }
  if (i != t.size()) return false;
  out = {static_cast<std::int64_t>(day) * 86400 + hh * 3600 + mm * 60 + ss - offset, nanos};
  return true;
}

day_number utc_day(const instant& t) {
  std::int64_t s = t.seconds;
  std::int64_t d = s >= 0 ? s / 86400 : -((-s + 86399) / 86400);
  return static_cast<day_number>(d);
}

}  // namespace claimkit::dates
