#include "status/command.hpp"

#include <cstdlib>
#include <functional>

#include <fmt/format.h>

#include "codes/tables.hpp"
#include "core/error.hpp"
#include "io/input.hpp"
#include "json/scan.hpp"
#include "ndjson/reader.hpp"
#include "status/fast_scan.hpp"
#include "status/normalizer.hpp"
#include "status/rules.hpp"
#include "status/table.hpp"

namespace claimkit::status {
namespace {

// ndjson::for_each_record with fast::scan_object in front of
// json::scan_object: the same records, messages and rejects, at the speed the
// tool promises. json::scan_object still decides every line the fast check
// refuses, so the two can never disagree on what is rejected.
void each_record(const std::vector<std::string>& inputs, cli::reporter& rep,
                 const std::function<void(ndjson::record&)>& handle) {
  ndjson::record rec;
  json::scan_error err;
  for (const auto& path : inputs) {
    io::input in(path);
    ndjson::line_reader reader(in, 64u << 20, ndjson::file_access::map);
    ndjson::line ln;
    while (reader.next(ln)) {
      cli::position pos{in.name(), ln.number};
      if (ln.too_long) {
        rep.error(pos, "line_too_long", "line longer than 64 MiB, skipped");
        continue;
      }
      std::string_view t = ln.text;
      std::size_t i = 0;
      while (i < t.size() && (t[i] == ' ' || t[i] == '\t' || t[i] == '\r')) ++i;
      if (i == t.size()) continue;
      if (!fast::scan_object(t, rec.members) && !json::scan_object(t, rec.members, err)) {
        rep.error(pos, "invalid_json", fmt::format("invalid JSON at column {}: {}", err.offset + 1, err.message),
                  cli::details{{}, t, {}});
        continue;
      }
      rec.text = t;
      rec.pos = pos;
      try {
        handle(rec);
      } catch (const ndjson::bad_record& b) {
        rep.error(pos, b.kind, b.message, cli::details{t, {}, {}});
      }
    }
  }
}

}  // namespace

int run(cli::context& ctx, const options& opt) {
  if (opt.format != "ndjson" && opt.format != "table") {
    throw error(cli::exit_code::usage, "--format must be ndjson or table");
  }
  rule_set rules = opt.rules_path.empty() ? default_rule_set() : load_rules(opt.rules_path);
  if (opt.print_rules) {
    ctx.out.append(to_json(rules));
    return 0;
  }
  codes::tables tables;
  std::string dir = opt.codes_dir;
  if (dir.empty()) {
    const char* env = std::getenv("CLAIMKIT_CODES_DIR");
    if (env != nullptr) dir = env;
  }
  if (!dir.empty()) tables.load_dir(dir);

  normalizer norm(rules, tables, ctx.report);
  normalize_inputs(ctx, norm, opt.format == "table");
  return 0;
}

void normalize_inputs(cli::context& ctx, normalizer& norm, bool table) {
  std::vector<row> rows;
  each_record(ctx.inputs(), ctx.report, [&](ndjson::record& rec) {
    if (table) {
      norm.process(rec, nullptr, &rows);
      return;
    }
    norm.process(rec, &ctx.out.buffer(), nullptr);
    ctx.out.maybe_flush();
  });
  if (table) ctx.out.append(format_table(rows));
}

}  // namespace claimkit::status
