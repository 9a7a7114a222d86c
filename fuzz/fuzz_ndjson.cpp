// Fuzzes the NDJSON side: the line reader (tiny line limit too), the JSON
// scanner on each line (status-normalize's fast validator must agree with
// it), and status-normalize over the whole input, which goes through
// ndjson::for_each_record and the normalizer.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "cli/reporter.hpp"
#include "cli/tool.hpp"
#include "codes/tables.hpp"
#include "core/error.hpp"
#include "fuzz_input.hpp"
#include "io/input.hpp"
#include "io/output.hpp"
#include "json/scan.hpp"
#include "ndjson/reader.hpp"
#include "status/command.hpp"
#include "status/fast_scan.hpp"
#include "status/normalizer.hpp"
#include "status/rules.hpp"

using namespace claimkit;

namespace {

void lines(const std::string& path, std::size_t max_line) {
  io::input in(path);
  ndjson::line_reader lr(in, max_line);
  ndjson::line ln;
  std::vector<json::member> members;
  json::scan_error err;
  std::string scratch;
  std::uint64_t last = 0;
  while (lr.next(ln)) {
    if (ln.number <= last) std::abort();
    last = ln.number;
    if (ln.too_long && !ln.text.empty()) std::abort();
    // The reader promises padding after the text for simdjson: touch it.
    volatile char pad = ln.text.data() == nullptr ? 0 : ln.text.data()[ln.text.size() + ndjson::line_reader::kPadding - 1];
    (void)pad;
    members.clear();
    // status-normalize's own validator must give the same verdict and members.
    std::vector<json::member> fast_members;
    const bool fast_ok = status::fast::scan_object(ln.text, fast_members);
    const bool slow_ok = json::scan_object(ln.text, members, err);
    if (fast_ok != slow_ok || (slow_ok && fast_members.size() != members.size())) std::abort();
    for (std::size_t i = 0; slow_ok && i < members.size(); ++i) {
      if (fast_members[i].key != members[i].key || fast_members[i].value != members[i].value ||
          fast_members[i].kind != members[i].kind) {
        std::abort();
      }
    }
    if (slow_ok) {
      for (const auto& m : members) {
        if (m.kind == json::kind::string) {
          scratch.clear();
          json::unescape(m.value.substr(1, m.value.size() - 2), scratch);
        } else if (m.kind == json::kind::object) {
          std::vector<json::member> inner;
          json::members_of(m.value, inner);
        } else if (m.kind == json::kind::array) {
          std::vector<std::string_view> elements;
          json::elements_of(m.value, elements);
        }
      }
    } else if (err.offset > ln.text.size()) {
      std::abort();  // an error position past the end of the text
    }
  }
}

void normalize(const std::string& path) {
  // The built-in rules and labels are loaded once: what is fuzzed is the
  // record loop and the normalizer.
  static const status::rule_set rules = status::default_rule_set();
  static const codes::tables tables;
  fuzz::run_tool("status-normalize", path, 1, [](cli::context& ctx) {
    status::normalizer norm(rules, tables, ctx.report);
    status::normalize_inputs(ctx, norm, false);
  });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static fuzz::memory_file file;
  const std::string& path = file.set(data, size);
  lines(path, 64u << 20);
  lines(path, 32);
  normalize(path);
  return 0;
}
