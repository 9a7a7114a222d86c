#pragma once

#include <cstdint>
#include <string_view>

#include "age/money.hpp"

namespace claimkit::age {

/// The priority score (claim-age(1), PRIORITY):
///   priority = age * max(age_days, 0) + amount * log2(1 + outstanding) + risk * filing_risk
/// rounded to one decimal. With the defaults (1, 10, 60) a day of age is one
/// point, each doubling of the outstanding amount is worth ten days, and a
/// claim inside the last 20% of its filing window gains 60 points.
struct weights {
  double age = 1.0;
  double amount = 10.0;
  double risk = 60.0;

  /// "age=1,amount=10,risk=60"; any subset; non-negative decimals. Throws
  /// claimkit::error (usage) otherwise.
  static weights parse(std::string_view list);
};

/// The score in tenths, so ties and ordering follow the printed value.
std::int64_t priority_tenths(const weights& w, int age_days, money outstanding, bool filing_risk);

}  // namespace claimkit::age
