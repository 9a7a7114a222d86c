// status-normalize: reads claim status NDJSON (x12-parse records, clearinghouse
// claim status responses, portal/phone captures) and writes each claim with a
// canonical state, next action, work queue, reason, escalation and code
// labels (NDJSON, or an aligned table). See status-normalize(1).
#include "cli/tool.hpp"
#include "status/command.hpp"

namespace {

constexpr const char* kDescription =
    "Give every claim status the same shape whatever channel it came from: a state, a next action,\n"
    "a work queue and a reason, decided by built-in rules (or --rules FILE), and labels for the\n"
    "category, status and entity codes.";

constexpr const char* kExamples =
    "  status-normalize status.ndjson > normalized.ndjson\n"
    "  x12-parse inbox/*.277 | status-normalize --format table\n"
    "  status-normalize --rules payer-rules.json --errors rejects.ndjson status.ndjson\n"
    "  status-normalize --codes ~/x12-code-lists status.ndjson\n"
    "  status-normalize --rules payer-rules.json --print-rules\n";

}  // namespace

int main(int argc, char** argv) {
  using namespace claimkit;
  auto app = cli::make_app("status-normalize", kDescription, kExamples);
  cli::common_options common;
  status::options opts;
  cli::add_common_options(*app, common);
  app->add_option("--format", opts.format, "Output: ndjson (records) or table (one aligned line per claim)")
      ->type_name("FORMAT")
      ->check(CLI::IsMember({"ndjson", "table"}))
      ->default_val("ndjson");
  app->add_option("--rules", opts.rules_path, "Rules file (JSON) that overrides or extends the built-in rules")
      ->type_name("FILE");
  app->add_option("--codes", opts.codes_dir,
                  "Directory of official code list CSV exports; their labels win (default $CLAIMKIT_CODES_DIR)")
      ->type_name("DIR");
  app->add_flag("--print-rules", opts.print_rules, "Print the effective rules as JSON and exit");
  return cli::run(*app, common, argc, argv, [&](cli::context& ctx) { return status::run(ctx, opts); });
}
