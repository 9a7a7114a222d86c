#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "age/money.hpp"
#include "age/settings.hpp"

namespace claimkit::age {

/// A claim waiting in --sort / --top: its keys and its finished output line.
struct ranked {
  std::int64_t priority = 0;  // tenths
  int age = 0;
  money amount;
  std::string claim_id;
  std::uint64_t seq = 0;  // input order
  std::string line;
};

/// The same keys, borrowed, to test a claim against the heap before copying.
struct rank_probe {
  std::int64_t priority = 0;
  int age = 0;
  money amount;
  std::string_view claim_id;
  std::uint64_t seq = 0;
};

/// Highest first on the chosen key, then on the other two keys (priority,
/// age, amount in that order), then claim id ascending (bytewise), then
/// input order. The order is total, so output never depends on how the
/// heap or the sort happened to arrange equal claims.
struct rank_better {
  sort_key key = sort_key::priority;

  template <typename A, typename B>
  bool operator()(const A& a, const B& b) const {
    auto cmp3 = [](auto x, auto y) { return x > y ? -1 : (x < y ? 1 : 0); };
    int r = 0;
    switch (key) {
      case sort_key::age:
        r = cmp3(a.age, b.age);
        if (r == 0) r = cmp3(a.priority, b.priority);
        if (r == 0) r = cmp3(a.amount, b.amount);
        break;
      case sort_key::amount:
        r = cmp3(a.amount, b.amount);
        if (r == 0) r = cmp3(a.priority, b.priority);
        if (r == 0) r = cmp3(a.age, b.age);
        break;
      default:
        r = cmp3(a.priority, b.priority);
        if (r == 0) r = cmp3(a.age, b.age);
        if (r == 0) r = cmp3(a.amount, b.amount);
        break;
    }
    if (r != 0) return r < 0;
    std::string_view ai = a.claim_id, bi = b.claim_id;
    if (ai != bi) return ai < bi;
    return a.seq < b.seq;
  }
};

}  // namespace claimkit::age
