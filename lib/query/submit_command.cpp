#include "query/submit_command.hpp"

#include <unistd.h>
#include <memory>

#include <fmt/format.h>

#include "core/error.hpp"
#include "csv/input.hpp"
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
  sub->add_option("--url", o->url,
                  "Claim status endpoint (default: the API's production URL, or `url` in the config file)")
      ->type_name("URL");
  sub->add_option("--token-url", o->token_url,
                  "OAuth2 token endpoint for --api optum (default: production, or `token_url`)")
      ->type_name("URL");
  sub->add_flag("--sandbox", o->sandbox,
                "For --api optum: Optum's sandbox hosts (sandbox-apigw.optum.com) as the defaults");
  sub->add_option("--config", o->config_path,
                  "Config file with credentials (default $CLAIMKIT_CONFIG or ~/.config/claimkit/config)")
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
  sub->add_option("--cacert", o->cacert,
                  "Verify servers against the CA certificates in FILE (PEM) instead of the system store")
      ->type_name("FILE");
  sub->add_option("--raw", o->raw_path, "Keep every raw API answer as NDJSON in FILE (mode 0600)")->type_name("FILE");

  sub->add_option("--max-response-size", o->max_response_size,
                  "Largest answer body accepted, decompressed (default 16M, or [http] max_response_size)")
      ->type_name("SIZE");
  csv::add_input_options(*sub, o->format_in, o->columns);

  // A claim once given by options: patient data in argv is readable by every
  // user of the machine (ps, /proc/PID/cmdline). The options stay, hidden,
  // so that old scripts get a pointer to the safe form instead of a guess.
  // The callbacks own the storage, so it lives as long as the command.
  struct refused_option {
    std::string name;
    std::string value;  // read and dropped
  };
  auto refused = std::make_shared<refused_option>();
  for (const char* name : {"--claim-id", "--payer-id", "--member-id", "--first-name", "--last-name", "--dob",
                           "--service-date", "--npi", "--amount"}) {
    sub->add_option(name, refused->value, "")->group("")->each([refused, name](const std::string&) {
      if (refused->name.empty()) refused->name = name;
    });
  }

  sub->parse_complete_callback([o, api_text, refused, &body, &common] {
    o->api = *api_text == "stedi" ? api_flavour::stedi : api_flavour::optum;
    body = [o, refused, &common](cli::context& ctx) {
      if (!refused->name.empty()) {
        throw error(cli::exit_code::usage,
                    fmt::format("{}: patient data on the command line is readable by every user; give the claim "
                                "as a record on standard input or in a file (claim-query(1), EXAMPLES)",
                                refused->name));
      }
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
