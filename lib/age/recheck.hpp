#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "cli/config.hpp"
#include "dates/civil.hpp"

namespace claimkit::age {

/// How often a claim's status is checked again, per state and per payer
/// (claim-age(1), RECHECK INTERVALS). Built in: pending 7 days, received 14,
/// the final states (paid, denied, finalized) never, any other state 7.
/// A settings file overrides them with [recheck] (every payer) and
/// [recheck.PAYER] (one payer id, in lower case) sections:
///
///   [recheck]
///   pending = 7
///   default = 10        ; any state not named
///   [recheck.60054]
///   pending = 21
///   denied = 30         ; a number of days, or never
class recheck_plan {
 public:
  /// The built-in intervals.
  recheck_plan() = default;

  /// The built-in intervals with cfg's [recheck] sections over them.
  /// Throws claimkit::error (2) for a value that is not a number of days
  /// (0-36500) or `never`, naming the file, section and key.
  static recheck_plan from_config(const cli::config& cfg);

  /// One interval for every state and payer that is not final (the
  /// --recheck-days option), over the file's.
  void set_every_open_state(int days) { every_open_ = days; }

  /// Days between checks for a claim in state of payer; nullopt: never.
  std::optional<int> days(std::string_view state, std::string_view payer) const;

  /// The first day a claim last checked on checked is due again (due when
  /// last checked more than the interval ago); nullopt: never.
  std::optional<dates::day_number> next_check(dates::day_number checked, std::string_view state,
                                              std::string_view payer) const;

 private:
  cli::config cfg_;  // empty: the built-in intervals
  std::optional<int> every_open_;
};

}  // namespace claimkit::age
