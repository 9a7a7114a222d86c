#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace claimkit::age {

/// Aging buckets from upper edges: "30,60,90,120" gives 0-30, 31-60, 61-90,
/// 91-120 and 121+. A claim belongs to the first bucket whose edge is at
/// least its age, so day 30 is in 0-30 and day 31 in 31-60; ages below 0 (a
/// date after --as-of) count in the first bucket.
class buckets {
 public:
  buckets();  // the default edges 30,60,90,120
  /// Throws claimkit::error (usage) unless list is strictly increasing
  /// positive whole numbers.
  static buckets parse(std::string_view list);

  std::size_t size() const { return labels_.size(); }
  const std::string& label(std::size_t i) const { return labels_[i]; }
  std::size_t index(int age_days) const {
    std::size_t i = 0;
    while (i < edges_.size() && age_days > edges_[i]) ++i;
    return i;
  }

 private:
  explicit buckets(std::vector<int> edges);
  std::vector<int> edges_;
  std::vector<std::string> labels_;
};

}  // namespace claimkit::age
