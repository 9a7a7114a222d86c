#include "age/buckets.hpp"

#include <charconv>

#include "core/error.hpp"

namespace claimkit::age {

buckets::buckets() : buckets(std::vector<int>{30, 60, 90, 120}) {}

buckets::buckets(std::vector<int> edges) : edges_(std::move(edges)) {
  int lo = 0;
  for (int e : edges_) {
    labels_.push_back(std::to_string(lo) + "-" + std::to_string(e));
    lo = e + 1;
  }
  labels_.push_back(std::to_string(lo) + "+");
}

buckets buckets::parse(std::string_view list) {
  std::vector<int> edges;
  std::size_t pos = 0;
  while (pos <= list.size()) {
    std::size_t comma = list.find(',', pos);
    if (comma == std::string_view::npos) comma = list.size();
    std::string_view item = list.substr(pos, comma - pos);
    int v = 0;
    auto r = std::from_chars(item.data(), item.data() + item.size(), v);
    if (item.empty() || r.ec != std::errc() || r.ptr != item.data() + item.size() || v <= 0 || v > 100000) {
      throw error(cli::exit_code::usage, "--buckets: expected increasing whole numbers of days, e.g. 30,60,90,120");
    }
    if (!edges.empty() && v <= edges.back()) {
      throw error(cli::exit_code::usage, "--buckets: edges must increase, e.g. 30,60,90,120");
    }
    edges.push_back(v);
    pos = comma + 1;
  }
  if (edges.size() > 20) throw error(cli::exit_code::usage, "--buckets: at most 20 edges");
  return buckets(std::move(edges));
}

}  // namespace claimkit::age
