#include "query/submit_command.hpp"

#include <memory>
#include <unistd.h>

#include "query/submit.hpp"

namespace claimkit::query {
namespace {

void write_stderr(const std::string& s) {
  std::size_t off = 0;
  while (off < s.size()) {
    ssize_t n = ::write(2, s.data() + off, s.size() - off);
    if (n <= 0) return;
    off += static_cast<std::size_t>(n);
  }
}

}  // namespace

void add_submit_command(CLI::App& parent, cli::common_options& common, std::function<int(cli::context&)>& body) {
  auto o = std::make_shared<submit_options>();
  CLI::App* sub = parent.add_subcommand(
      "submit",
      "Check claim status over a clearinghouse's real-time API (claim status v2 JSON): claim records in, "
      "claim_status records out");
  cli::add_common_options(*sub, common);

  auto api_text = std::make_shared<std::string>("optum");
  sub->add_option("--api", *api_text, "Clearinghouse API: optum (OAuth2 client credentials) or stedi (API key)")
      ->check(CLI::IsMember({"optum", "stedi"}))
      ->type_name("NAME")
      ->default_str("optum");
  sub->add_option("--url", o->url, "Claim status endpoint (default: the API's production URL, or `url` in the config file)")
      ->type_name("URL");
  sub->add_option("--token-url", o->token_url, "OAuth2 token endpoint for --api optum (default: production, or `token_url`)")
      ->type_name("URL");
  sub->add_flag("--sandbox", o->sandbox, "For --api optum: Optum's sandbox hosts (sandbox-apigw.optum.com) as the defaults");
  sub->add_option("--config", o->config_path, "Config file with credentials (default $CLAIMKIT_CONFIG or ~/.config/claimkit/config)")
      ->type_name("FILE");
  sub->add_option("--jobs", o->jobs, "Requests in flight at once")->check(CLI::Range(1, 64))->default_val(4);
  sub->add_option("--rate", o->rate, "At most N requests per second (0: no cap)")
      ->check(CLI::Range(0.0, 10000.0))
      ->type_name("N");
  sub->add_option("--max-attempts", o->max_attempts, "Attempts per claim, the first included")
      ->check(CLI::Range(1, 20))
      ->default_val(5);
  sub->add_option("--breaker", o->breaker, "Stop the run after N consecutive failed requests (0: never)")
      ->check(CLI::Range(0, 100000))
      ->type_name("N")
      ->default_val(10);
  sub->add_option("--connect-timeout", o->connect_timeout, "Seconds to wait for a connection")
      ->check(CLI::Range(0.1, 600.0))
      ->type_name("SECONDS")
      ->default_val(10);
  sub->add_option("--timeout", o->timeout, "Seconds a whole request may take")
      ->check(CLI::Range(0.1, 3600.0))
      ->type_name("SECONDS")
      ->default_val(90);
  sub->add_option("--retry-delay", o->retry_delay, "Backoff ceiling before the first retry, doubled each time")
      ->check(CLI::Range(0.0, 600.0))
      ->type_name("SECONDS")
      ->default_val(0.5);
  sub->add_option("--retry-max-delay", o->retry_max_delay, "Cap on the backoff between attempts")
      ->check(CLI::Range(0.0, 3600.0))
      ->type_name("SECONDS")
      ->default_val(30);
  sub->add_option("--cacert", o->cacert, "Verify servers against the CA certificates in FILE (PEM) instead of the system store")
      ->type_name("FILE");
  sub->add_option("--raw", o->raw_path, "Keep every raw API answer as NDJSON in FILE (mode 0600)")->type_name("FILE");

  const char* group = "Single claim (instead of FILE)";
  sub->add_option("--claim-id", o->adhoc.claim_id, "Claim id (patient control number) sent as the tracking number")->group(group);
  sub->add_option("--payer-id", o->adhoc.payer_id, "Payer id (trading partner service id)")->group(group);
  sub->add_option("--member-id", o->adhoc.member_id, "Subscriber member id")->group(group);
  sub->add_option("--first-name", o->adhoc.first_name, "Subscriber first name")->group(group);
  sub->add_option("--last-name", o->adhoc.last_name, "Subscriber last name")->group(group);
  sub->add_option("--dob", o->adhoc.dob, "Subscriber birth date (YYYY-MM-DD)")->group(group)->type_name("DATE");
  sub->add_option("--service-date", o->adhoc.service_date, "Date of service (YYYY-MM-DD)")->group(group)->type_name("DATE");
  sub->add_option("--npi", o->adhoc.npi, "Billing provider NPI")->group(group);
  sub->add_option("--amount", o->adhoc.amount, "Billed amount")->group(group);

  sub->parse_complete_callback([o, api_text, &body, &common] {
    o->api = *api_text == "stedi" ? api_flavour::stedi : api_flavour::optum;
    body = [o, &common](cli::context& ctx) {
      submit_options opts = *o;
      if (!common.quiet && cli::stderr_is_terminal()) {
        opts.progress = [](const std::string& line, bool final) {
          if (line.empty()) {
            write_stderr("\r\x1b[K");
            return;
          }
          write_stderr("\r\x1b[Kclaim-query submit: " + line + (final ? "\n" : ""));
        };
      }
      return run_submit(ctx, opts);
    };
  });
}

}  // namespace claimkit::query
