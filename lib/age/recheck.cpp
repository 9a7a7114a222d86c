#include "age/recheck.hpp"

#include <fmt/format.h>

#include "core/error.hpp"

namespace claimkit::age {
namespace {

constexpr int kMaxDays = 36500;

bool final_state(std::string_view s) { return s == "paid" || s == "denied" || s == "finalized"; }

// "never" -> -1, a number of days -> itself, anything else -> nullopt.
std::optional<int> parse_days(std::string_view v) {
  if (v == "never") return -1;
  if (v.empty() || v.size() > 5) return std::nullopt;
  int n = 0;
  for (char c : v) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + (c - '0');
  }
  if (n > kMaxDays) return std::nullopt;
  return n;
}

std::string lower(std::string_view v) {
  std::string out(v);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// The built-in intervals; -1 is never.
int builtin_days(std::string_view state) {
  if (final_state(state)) return -1;
  if (state == "received") return 14;
  return 7;  // pending and every other open state
}

constexpr std::string_view kStates[] = {"received", "pending",   "needs_info", "paid",    "denied", "finalized",
                                        "rejected", "not_found", "error",      "unknown", "default"};

}  // namespace

recheck_plan recheck_plan::from_config(const cli::config& cfg) {
  recheck_plan p;
  p.cfg_ = cfg;
  // Checked up front, so a bad value stops the run before anything is read
  // (the [recheck.PAYER] sections are checked as payers are met).
  for (std::string_view st : kStates) {
    if (auto v = cfg.get("recheck", st); v && !parse_days(*v)) {
      throw error(cli::exit_code::usage,
                  fmt::format("{}: [recheck] {}: expected a number of days (0-{}) or never", cfg.path(), st, kMaxDays));
    }
  }
  return p;
}

std::optional<int> recheck_plan::days(std::string_view state, std::string_view payer) const {
  int d = builtin_days(state);
  if (every_open_ && d >= 0) return *every_open_;
  {
    const std::string payer_section = payer.empty() ? std::string() : "recheck." + lower(payer);
    auto look = [&](const std::string& section, std::string_view key) -> std::optional<int> {
      if (section.empty()) return std::nullopt;
      auto v = cfg_.get(section, key);
      if (!v) return std::nullopt;
      auto n = parse_days(*v);
      if (!n) {
        throw error(cli::exit_code::usage, fmt::format("{}: [{}] {}: expected a number of days (0-{}) or never",
                                                       cfg_.path(), section, key, kMaxDays));
      }
      return n;
    };
    std::optional<int> found = look(payer_section, state);
    if (!found && !final_state(state)) found = look(payer_section, "default");
    if (!found) found = look("recheck", state);
    if (!found && !final_state(state)) found = look("recheck", "default");
    if (found) d = *found;
  }
  if (d < 0) return std::nullopt;
  return d;
}

std::optional<dates::day_number> recheck_plan::next_check(dates::day_number checked, std::string_view state,
                                                          std::string_view payer) const {
  auto d = days(state, payer);
  if (!d) return std::nullopt;
  return checked + *d + 1;
}

}  // namespace claimkit::age
