// Fuzzes x12-parse's default (claim records) and --strict modes: the reader,
// envelope checks and the 277/276/999 handlers. Each input is parsed twice
// as two files of one run, so state left over from one file is exercised too.
#include <cstdint>
#include <cstdlib>

#include "cli/reporter.hpp"
#include "cli/tool.hpp"
#include "core/error.hpp"
#include "fuzz_input.hpp"
#include "io/output.hpp"
#include "x12/parser.hpp"

using namespace claimkit;

namespace {

void run(const std::string& path, int copies, bool strict) {
  fuzz::run_tool("x12-parse", path, copies, [strict](cli::context& ctx) {
    x12::parse_options opts;
    opts.strict = strict;
    if (x12::parse_all(ctx, opts) != 0) std::abort();  // a memfd is always readable
  });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static fuzz::memory_file file;
  const std::string& path = file.set(data, size);
  run(path, 2, false);
  run(path, 1, true);
  return 0;
}
