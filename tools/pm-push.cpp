// pm-push: writes normalized claim_status records (status-normalize output)
// to where billers work: the sqlite status ledger, athenaOne claim notes,
// NextGen, or a webhook; acks and batch statuses to the ledger or webhook.
// Exactly once per status, with a journal; one push_result per record on
// stdout, failures into --rejects for a rerun.
#include <unistd.h>

#include "cli/tool.hpp"
#include "http/client.hpp"
#include "ledger/pg_connection.hpp"
#include "push/runner.hpp"

int main(int argc, char** argv) {
  using namespace claimkit;
  auto app = cli::make_app("pm-push", "Push claim status records to a PM system or the status ledger, exactly once",
                           "  pm-push --to sqlite:ledger.db normalized.ndjson\n"
                           "  status-normalize status.ndjson | pm-push --to sqlite:ledger.db --rejects retry.ndjson\n"
                           "  x12-parse in.277ca in.999 | status-normalize | pm-push --to sqlite:ledger.db\n"
                           "  pm-push --to athena --practice-id 195900 --dry-run normalized.ndjson\n"
                           "  pm-push --to http:https://hooks.example.org/claims --jobs 8 normalized.ndjson\n"
                           "  pm-push --to sqlite:ledger.db retry.ndjson   # a rejects file is accepted again\n");
  cli::common_options common;
  push::options o;
  push::http_options& h = o.http;
  cli::add_common_options(*app, common);
  app->add_option("--to", o.to, "Target: sqlite:PATH, athena, nextgen or http:URL")->required()->type_name("TARGET");
  app->add_option("--journal", o.journal_path,
                  "Exactly-once journal (default: one per target under $XDG_STATE_HOME/claimkit/journal)")
      ->type_name("PATH");
  app->add_option("--rejects", o.rejects_path,
                  "Write failed and unknown records to FILE (mode 0600), in a form pm-push reads again")
      ->type_name("FILE");
  app->add_flag("--dry-run", o.dry_run, "Print what would be sent; write nothing (no journal, ledger or request)");
  app->add_flag("--resend-unknown", o.resend_unknown,
                "Send again records whose earlier send was never confirmed (athena, nextgen)");
  CLI::Option* batch = app->add_option("--batch", o.batch_size,
                                       "Records per ledger transaction (default 5000 for sqlite and postgresql) or request group")
                           ->type_name("N")
                           ->check(CLI::Range(1, 100000))
                           ->default_val(500);
  app->add_option("--base-url", h.base_url, "API base URL (athena, nextgen; https, or http on loopback)")
      ->type_name("URL");
  app->add_option("--practice-id", h.practice_id, "athenaOne practice id; NextGen practice id")->type_name("ID");
  app->add_option("--enterprise-id", h.enterprise_id, "NextGen enterprise id")->type_name("ID");
  app->add_option("--claim-pattern", h.claim_pattern,
                  "Regex extracting the PM claim id from claim_id (group 1; default: claim_id as is)")
      ->type_name("REGEX");
  app->add_option("--note-path", h.note_path, "NextGen claim-note path template under the base URL, with {claimid}")
      ->type_name("PATH");
  app->add_option("--site-id", h.site_id, "NextGen site id (the installation), sent in the token request")
      ->type_name("ID");
  app->add_option("--token-url", h.token_url,
                  "OAuth2 token endpoint (athena: BASE/oauth2/v1/token; nextgen: NextGen's GSA /token)")
      ->type_name("URL");
  app->add_option("--config", h.config_path, "Credentials file (refused when group/other-readable)")->type_name("FILE");
  app->add_option("--cacert", h.cacert, "Extra CA bundle (PEM) for TLS verification")->type_name("FILE");
  app->add_option("--jobs", h.jobs, "Concurrent requests at most")
      ->type_name("N")
      ->check(CLI::Range(1, 64))
      ->default_val(4);
  app->add_option("--rate", h.rate, "Requests per second at most (0: no cap)")
      ->type_name("N")
      ->check(CLI::NonNegativeNumber)
      ->default_val(0);
  app->add_option("--max-attempts", h.max_attempts, "Attempts per request, first included")
      ->type_name("N")
      ->check(CLI::Range(1, 20))
      ->default_val(5);
  std::string max_response;
  app->add_option("--max-response-size", max_response,
                  "Largest answer body accepted, decompressed (default 16M, or [http] max_response_size)")
      ->type_name("SIZE");
  double timeout = 60;
  app->add_option("--timeout", timeout, "Seconds one request may take, connecting included")
      ->type_name("SECONDS")
      ->check(CLI::Range(0.1, 3600.0))
      ->default_val(60);
  app->callback([&] { h.total_timeout = std::chrono::milliseconds(static_cast<long long>(timeout * 1000)); });
  return cli::run(*app, common, argc, argv, [&](cli::context& ctx) {
    if (!max_response.empty()) h.max_response_size = http::parse_size(max_response, "--max-response-size");
    if (!common.quiet && cli::stderr_is_terminal()) {
      o.progress = [](const std::string& line) {
        std::string s = line.empty() ? "\r\x1b[K" : "\r\x1b[Kpm-push: " + line;
        (void)!::write(2, s.data(), s.size());
      };
    }
    // The ledgers: 5000 statuses per transaction. Against 500, CPU per
    // status in the SQLite ledger fell from 82 to 50 us (user+sys, 50,000
    // statuses; fewer WAL writes of the same index pages) and wall time by
    // 16 % (scripts/bench-pm-push); the PostgreSQL ledger took 9.5 s instead
    // of 17.6 s for 200,000 statuses (a tenth of the round trips and
    // commits; scripts/bench-pg).
    if (batch->count() == 0 && (o.to.rfind("sqlite:", 0) == 0 || ledger::is_postgres_uri(o.to))) o.batch_size = 5000;
    return push::run(ctx, o);
  });
}
