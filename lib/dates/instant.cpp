#include "dates/instant.hpp"

#include <chrono>

#include <fmt/format.h>

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

day_number utc_day(const instant& t) { return utc_of(t).day; }

utc_time utc_of(const instant& t) {
  using namespace std::chrono;
  const sys_seconds at{seconds{t.seconds}};
  const sys_days day = floor<days>(at);
  const hh_mm_ss<seconds> tod{at - day};
  return {static_cast<day_number>(day.time_since_epoch().count()), static_cast<int>(tod.hours().count()),
          static_cast<int>(tod.minutes().count()), static_cast<int>(tod.seconds().count())};
}

instant now() {
  using namespace std::chrono;
  const auto since = system_clock::now().time_since_epoch();
  const auto s = floor<seconds>(since);
  return {s.count(), static_cast<std::int32_t>(duration_cast<nanoseconds>(since - s).count())};
}

std::string format_rfc3339(const instant& t) {
  const utc_time u = utc_of(t);
  return fmt::format("{}T{:02}:{:02}:{:02}Z", format(u.day), u.hour, u.minute, u.second);
}

std::string format_basic(const instant& t) {
  const utc_time u = utc_of(t);
  return fmt::format("{}T{:02}{:02}{:02}Z", format_d8(u.day), u.hour, u.minute, u.second);
}

}  // namespace claimkit::dates
