#include "status/table.hpp"

#include <algorithm>
#include <array>

namespace claimkit::status {
namespace {

constexpr std::size_t kLabelMax = 40;

// Width in characters, counting UTF-8 continuation bytes as nothing.
std::size_t width(std::string_view s) {
  std::size_t n = 0;
  for (char c : s) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

std::string cut(const std::string& s, std::size_t max) {
  if (width(s) <= max) return s;
  std::string out;
  std::size_t n = 0;
  for (char c : s) {
    bool start = (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    if (start && ++n > max - 1) break;
    out.push_back(c);
  }
  out += "\xE2\x80\xA6";  // ellipsis
  return out;
}

// Control characters would break the alignment (and a terminal).
std::string clean(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  }
  return out;
}

}  // namespace

std::string format_table(const std::vector<row>& rows) {
  constexpr std::size_t kCols = 8;
  std::vector<std::array<std::string, kCols>> cells;
  cells.push_back({"CLAIM", "PAYER", "STATE", "STATUS", "LABEL", "ACTION", "QUEUE", "ESCALATE"});
  for (const auto& r : rows) {
    cells.push_back({clean(r.claim_id), clean(r.payer), r.state, clean(r.status), cut(clean(r.label), kLabelMax),
                     r.action, r.queue, r.escalate});
  }
  std::array<std::size_t, kCols> w{};
  for (const auto& c : cells) {
    for (std::size_t i = 0; i < kCols; ++i) w[i] = std::max(w[i], width(c[i]));
  }
  // Drop an all-empty last column (no escalations) rather than print a bare header.
  std::size_t cols = kCols;
  if (std::all_of(cells.begin() + 1, cells.end(), [](const auto& c) { return c[kCols - 1].empty(); })) cols = kCols - 1;
  std::string out;
  for (const auto& c : cells) {
    std::string line;
    for (std::size_t i = 0; i < cols; ++i) {
      line += c[i];
      if (i + 1 < cols) line.append(w[i] - width(c[i]) + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line;
    out += '\n';
  }
  return out;
}

}  // namespace claimkit::status
