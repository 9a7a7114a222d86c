// claim-query: claim status requests. `build` turns claim records (NDJSON)
// into X12 276 batches, `submit` asks a clearinghouse API and writes
// claim_status NDJSON, `record` writes a status said on the phone or shown
// on a portal as claim_status NDJSON, `send` and `fetch` move batch files over SFTP.
#include <functional>

#include "cli/tool.hpp"
#include "query/build_command.hpp"
#include "query/record_command.hpp"
#include "query/submit_command.hpp"
#include "sftp/command.hpp"

int main(int argc, char** argv) {
  using namespace claimkit;
  auto app = cli::make_app("claim-query", "Build, send and check claim status requests (X12 276, APIs, SFTP)",
                           "  claim-query build --control-file 276.ctl claims.ndjson > batch.x12\n"
                           "  claim-query submit --api stedi claims.ndjson | status-normalize\n"
                           "  claim-query record --channel phone --claim-id PCN-1001 --text 'paid' | status-normalize\n"
                           "  claim-query send --to sftp://practice@sftp.example.net/inbound/ batch.x12\n"
                           "  claim-query fetch sftp://practice@sftp.example.net/outbound/ --into inbox");
  app->require_subcommand(1);
  cli::common_options common;
  std::function<int(cli::context&)> body;
  query::add_build_command(*app, common, body);
  query::add_submit_command(*app, common, body);
  query::add_record_command(*app, common, body);
  sftp::add_send_command(*app, common, body);
  sftp::add_fetch_command(*app, common, body);
  return cli::run(*app, common, argc, argv, body);
}
