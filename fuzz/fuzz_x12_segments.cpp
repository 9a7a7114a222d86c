// Fuzzes x12-parse --segments and the segment reader on its own with a tiny
// starting buffer and a small segment limit, so buffer growth, compaction,
// pinning and the too-long path are reached by small inputs.
#include <cstdint>
#include <cstdlib>

#include "cli/reporter.hpp"
#include "cli/tool.hpp"
#include "core/error.hpp"
#include "fuzz_input.hpp"
#include "io/input.hpp"
#include "io/output.hpp"
#include "x12/parser.hpp"
#include "x12/reader.hpp"

using namespace claimkit;

namespace {

void segments_mode(const std::string& path) {
  fuzz::run_tool("x12-parse", path, 1, [](cli::context& ctx) {
    x12::parse_options opts;
    opts.segments = true;
    if (x12::parse_all(ctx, opts) != 0) std::abort();
  });
}

void small_reader(const std::string& path, bool pinned) {
  io::input in(path);
  x12::reader r(in, 16, 512);
  if (pinned) r.pin();
  x12::segment seg;
  std::vector<std::pair<std::string_view, std::string>> kept;
  std::uint64_t last_index = 0;
  unsigned sum = 0;
  while (r.next(seg)) {
    // Touch every byte the views claim, so ASan checks they are live.
    for (std::string_view e : seg.elements)
      for (char c : e) sum += static_cast<unsigned char>(c);
    for (char c : seg.text) sum += static_cast<unsigned char>(c);
    if (seg.index <= last_index) std::abort();  // positions only move forward
    last_index = seg.index;
    if (seg.too_long && !seg.elements.empty()) std::abort();
    if (pinned && kept.size() < 64) kept.emplace_back(seg.text, std::string(seg.text));
    r.notices().clear();
  }
  // pin() promises that every view handed out since stays readable and unchanged.
  for (const auto& [view, copy] : kept)
    if (view != copy) std::abort();
  (void)sum;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static fuzz::memory_file file;
  const std::string& path = file.set(data, size);
  segments_mode(path);
  small_reader(path, false);
  small_reader(path, true);
  return 0;
}
