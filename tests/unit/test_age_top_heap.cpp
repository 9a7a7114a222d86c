#include <doctest/doctest.h>

#include <algorithm>
#include <random>

#include "age/ranking.hpp"
#include "age/top_heap.hpp"

using namespace claimkit::age;

TEST_CASE("top_heap keeps the best N, best first, like a full sort") {
  std::mt19937 rng(7);
  for (sort_key key : {sort_key::priority, sort_key::age, sort_key::amount}) {
    rank_better better{key};
    std::vector<ranked> all;
    for (std::uint64_t i = 0; i < 500; ++i) {
      // Few distinct values so that ties are common.
      ranked r{static_cast<std::int64_t>(rng() % 5),
               static_cast<int>(rng() % 4),
               money{static_cast<std::int64_t>(rng() % 3), 0},
               "C" + std::to_string(rng() % 7),
               i,
               {}};
      all.push_back(r);
    }
    for (std::size_t n : {1u, 3u, 50u, 499u, 500u, 800u}) {
      top_heap<ranked, rank_better> heap(n, better);
      for (const auto& r : all) {
        rank_probe p{r.priority, r.age, r.amount, r.claim_id, r.seq};
        if (heap.would_keep(p)) heap.push(r);
      }
      auto got = heap.take_sorted();
      auto want = all;
      std::sort(want.begin(), want.end(), better);
      want.resize(std::min(n, want.size()));
      REQUIRE(got.size() == want.size());
      for (std::size_t i = 0; i < got.size(); ++i) CHECK(got[i].seq == want[i].seq);
    }
  }
}

TEST_CASE("ties: other keys, then claim id, then input order") {
  rank_better by_priority{sort_key::priority};
  ranked a{100, 10, {5, 0}, "B", 1, {}}, b{100, 10, {5, 0}, "A", 2, {}}, c{100, 11, {1, 0}, "Z", 3, {}},
      d{100, 10, {5, 0}, "A", 0, {}};
  CHECK(by_priority(c, a));  // same priority, older first
  CHECK(by_priority(b, a));  // then claim id ascending
  CHECK(by_priority(d, b));  // then input order
  rank_better by_amount{sort_key::amount};
  CHECK(by_amount(a, c));
}
