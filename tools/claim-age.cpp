// claim-age: reads `claim` / `claim_status` NDJSON or CSV open-claim exports
// (files or stdin) and writes each open claim with its age, bucket, priority,
// timely-filing deadline and recheck flag (NDJSON), or with --summary the
// aging report (table, CSV or NDJSON). See claim-age(1).
#include "age/command.hpp"
#include "cli/tool.hpp"

int main(int argc, char** argv) {
  using namespace claimkit;
  auto app =
      cli::make_app("claim-age", "Age, prioritise and report open claims so follow-up goes where the money is",
                    "  claim-age --as-of 2026-11-23 claims.ndjson\n"
                    "  claim-age --as-of 2026-11-23 --top 20 --due-only claims.ndjson\n"
                    "  claim-age --filing-limits limits.csv --older-than 60 --sort amount claims.ndjson\n"
                    "  claim-age --summary --by payer --format table --ledger status.db claims.ndjson\n"
                    "  claim-age --summary --format csv claims.ndjson > aging.csv\n"
                    "  claim-age --columns 'claim_id=Claim #,billed_amount=Charges' --summary open-claims.csv\n");
  cli::common_options common;
  cli::add_common_options(*app, common);
  age::command_options opts;
  age::add_options(*app, opts);
  return cli::run(*app, common, argc, argv, [&](cli::context& ctx) { return age::run(ctx, opts); });
}
