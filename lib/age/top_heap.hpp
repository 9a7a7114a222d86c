#pragma once

#include <algorithm>
#include <cstddef>
#include <vector>

namespace claimkit::age {

/// Keeps the best `capacity` items seen, in O(capacity) memory: a heap with
/// the worst kept item on top, so a new item costs one comparison when it
/// does not make the cut. better(a, b) must be a strict total order.
template <typename T, typename Better>
class top_heap {
 public:
  top_heap(std::size_t capacity, Better better) : capacity_(capacity), better_(better) {}

  /// True when an item ranked like `probe` would be kept; lets callers skip
  /// building an item that would be thrown away.
  template <typename Probe>
  bool would_keep(const Probe& probe) const {
    return items_.size() < capacity_ || better_(probe, items_.front());
  }

  void push(T item) {
    if (capacity_ == 0) return;
    if (items_.size() < capacity_) {
      items_.push_back(std::move(item));
      std::push_heap(items_.begin(), items_.end(), better_);
    } else if (better_(item, items_.front())) {
      std::pop_heap(items_.begin(), items_.end(), better_);
      items_.back() = std::move(item);
      std::push_heap(items_.begin(), items_.end(), better_);
    }
  }

  /// The kept items, best first; the heap is left empty.
  std::vector<T> take_sorted() {
    std::sort_heap(items_.begin(), items_.end(), better_);  // ascending in "better": best first
    std::vector<T> out = std::move(items_);
    items_.clear();
    return out;
  }

  std::size_t size() const { return items_.size(); }

 private:
  std::size_t capacity_;
  Better better_;
  std::vector<T> items_;
};

}  // namespace claimkit::age
