#include "age/priority.hpp"

#include <cmath>
#include <cstdlib>
#include <string>

#include "core/error.hpp"

namespace claimkit::age {

weights weights::parse(std::string_view list) {
  weights w;
  std::size_t pos = 0;
  while (pos <= list.size()) {
    std::size_t comma = list.find(',', pos);
    if (comma == std::string_view::npos) comma = list.size();
    std::string_view item = list.substr(pos, comma - pos);
    std::size_t eq = item.find('=');
    auto bad = [] {
      return error(cli::exit_code::usage,
                   "--weights: expected NAME=NUMBER items (age, amount, risk), e.g. age=1,amount=10,risk=60");
    };
    if (eq == std::string_view::npos) throw bad();
    std::string_view name = item.substr(0, eq);
    std::string value(item.substr(eq + 1));
    bool digits_only = !value.empty();
    int dots = 0;
    for (char c : value) {
      if (c == '.') ++dots;
      else if (c < '0' || c > '9') digits_only = false;
    }
    if (!digits_only || dots > 1 || value == ".") throw bad();
    double v = std::strtod(value.c_str(), nullptr);
    if (!std::isfinite(v) || v > 1e6) throw bad();
    if (name == "age") w.age = v;
    else if (name == "amount") w.amount = v;
    else if (name == "risk") w.risk = v;
    else throw bad();
    pos = comma + 1;
  }
  return w;
}

std::int64_t priority_tenths(const weights& w, int age_days, money outstanding, bool filing_risk) {
  double dollars = approx_units(outstanding);
  double score =
      w.age * (age_days > 0 ? age_days : 0) + w.amount * std::log2(1.0 + dollars) + (filing_risk ? w.risk : 0.0);
  return std::llround(score * 10.0);
}

}  // namespace claimkit::age
