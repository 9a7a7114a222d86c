// Fuzzes the NDJSON side: the line reader (tiny line limit too), the record
// parser on each line (parsing in place, with the reader's padding, must
// agree with parsing a copy), and status-normalize over the whole input,
// which goes through ndjson::for_each_record and the normalizer.
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
#include "ndjson/reader.hpp"
#include "ndjson/value.hpp"
#include "status/command.hpp"
#include "status/normalizer.hpp"
#include "status/rules.hpp"

using namespace claimkit;

namespace {

void lines(const std::string& path, std::size_t max_line) {
  io::input in(path);
  ndjson::line_reader lr(in, max_line);
  ndjson::line ln;
  std::vector<ndjson::member> members;
  ndjson::document doc;
  ndjson::parse_error err;
  std::string scratch;
  std::uint64_t last = 0;
  while (lr.next(ln)) {
    if (ln.number <= last) std::abort();
    last = ln.number;
    if (ln.too_long && !ln.text.empty()) std::abort();
    // The reader promises padding after the text for simdjson: touch it.
    volatile char pad =
        ln.text.data() == nullptr ? 0 : ln.text.data()[ln.text.size() + ndjson::line_reader::kPadding - 1];
    (void)pad;
    // In place (the reader's padding) and from a copy: the same verdict,
    // message and members.
    const bool in_place = doc.parse_object(ln.text, err, true);
    ndjson::parse_error copy_err;
    const bool copied = ndjson::parse_object(ln.text, members, copy_err);
    if (in_place != copied) std::abort();
    if (!in_place && (err.offset != copy_err.offset || err.message != copy_err.message)) std::abort();
    auto ms = doc.members();
    if (in_place && ms.size() != members.size()) std::abort();
    for (std::size_t i = 0; in_place && i < members.size(); ++i) {
      if (ms[i].key != members[i].key || ms[i].value != members[i].value || ms[i].kind != members[i].kind) {
        std::abort();
      }
    }
    if (in_place) {
      for (const auto& m : ms) {
        if (m.kind == ndjson::kind::string) {
          scratch.clear();
          ndjson::unescape(m.value.substr(1, m.value.size() - 2), scratch);
        } else if (m.kind == ndjson::kind::object) {
          // The index and a fresh parse of the value list the same members.
          std::vector<ndjson::member> inner;
          ndjson::members_of(m.value, inner);
          if (inner.size() != doc.members_of(m.value).size()) std::abort();
        } else if (m.kind == ndjson::kind::array) {
          std::vector<std::string_view> elements;
          ndjson::elements_of(m.value, elements);
          if (elements.size() != doc.elements_of(m.value).size()) std::abort();
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
