#include "ledger/precedence.hpp"

#include "dates/civil.hpp"

namespace claimkit::ledger {
namespace {

constexpr std::int64_t kMicrosPerSecond = 1'000'000;

bool two_digits(std::string_view t, std::size_t at, int max, int& out) {
  if (at + 2 > t.size()) return false;
  char a = t[at], b = t[at + 1];
  if (a < '0' || a > '9' || b < '0' || b > '9') return false;
  out = (a - '0') * 10 + (b - '0');
  return out <= max;
}

}  // namespace

std::optional<std::int64_t> parse_instant(std::string_view text) {
  dates::day_number day = 0;
  if (text.size() < 10 || !dates::parse(text.substr(0, 10), day)) return std::nullopt;
  std::int64_t seconds = static_cast<std::int64_t>(day) * 86400;
  if (text.size() == 10) return seconds * kMicrosPerSecond;
  char sep = text[10];
  if (sep != 'T' && sep != 't' && sep != ' ') return std::nullopt;
  int hh = 0, mm = 0, ss = 0;
  // 60: a leap second, as RFC 3339 allows; it lands on the next minute's 00.
  if (!two_digits(text, 11, 23, hh) || text.size() < 14 || text[13] != ':' || !two_digits(text, 14, 59, mm) ||
      text.size() < 17 || text[16] != ':' || !two_digits(text, 17, 60, ss)) {
    return std::nullopt;
  }
  std::size_t i = 19;
  std::int64_t micros = 0;
  if (i < text.size() && text[i] == '.') {
    ++i;
    std::size_t start = i;
    std::int64_t scale = 100'000;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      micros += (text[i] - '0') * scale;  // digits past the sixth add nothing
      scale /= 10;
      ++i;
    }
    if (i == start) return std::nullopt;
  }
  if (i >= text.size()) return std::nullopt;  // no offset: not an instant
  std::int64_t offset = 0;
  if (text[i] == 'Z' || text[i] == 'z') {
    ++i;
  } else if (text[i] == '+' || text[i] == '-') {
    int oh = 0, om = 0;
    if (!two_digits(text, i + 1, 23, oh) || i + 3 >= text.size() || text[i + 3] != ':' ||
        !two_digits(text, i + 4, 59, om)) {
      return std::nullopt;
    }
    offset = (oh * 3600 + om * 60) * (text[i] == '+' ? 1 : -1);
    i += 6;
  } else {
    return std::nullopt;
  }
  if (i != text.size()) return std::nullopt;
  seconds += hh * 3600 + mm * 60 + ss - offset;
  return seconds * kMicrosPerSecond + micros;
}

bool is_strong(const evidence& e) { return !e.category.empty() && e.state != "unknown" && !e.incomplete; }

precedence decide(const evidence& current, const evidence& incoming) {
  if (is_strong(current) && !is_strong(incoming)) return precedence::weaker;
  std::optional<std::int64_t> now = parse_instant(current.effective);
  std::optional<std::int64_t> then = parse_instant(incoming.effective);
  if (now && then && *then < *now) return precedence::older;
  return precedence::replaces;
}

std::string_view to_string(precedence p) {
  switch (p) {
    case precedence::weaker: return "weaker";
    case precedence::older: return "older";
    case precedence::replaces: break;
  }
  return {};
}

}  // namespace claimkit::ledger
