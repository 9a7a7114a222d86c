#include "status/command.hpp"

#include <cstdlib>

#include <fmt/format.h>

#include "codes/tables.hpp"
#include "core/error.hpp"
#include "ndjson/reader.hpp"
#include "status/normalizer.hpp"
#include "status/rules.hpp"
#include "status/table.hpp"

namespace claimkit::status {

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
  ndjson::for_each_record(
      ctx.inputs(), ctx.report,
      [&](ndjson::record& rec) {
        if (table) {
          norm.process(rec, nullptr, &rows);
          return;
        }
        norm.process(rec, &ctx.out.buffer(), nullptr);
        ctx.out.maybe_flush();
      },
      ndjson::file_access::map);
  if (table) ctx.out.append(format_table(rows));
}

}  // namespace claimkit::status
