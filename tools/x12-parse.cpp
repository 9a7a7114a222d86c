// x12-parse: reads X12 interchanges (277, 277CA, 276, 999/997, TA1; any X12
// with --segments) from files or standard input and writes NDJSON to standard
// output: one record per claim, batch status, acknowledgment or segment.
// Findings go to stderr as `x12-parse: file:line: message` and to --errors.
#include "cli/tool.hpp"
#include "x12/parser.hpp"

namespace {

constexpr const char* kDescription =
    "Turn X12 claim status files into NDJSON: one claim_status record per claim of a 277 or 277CA,\n"
    "one claim_status_request per claim of a 276, one ack per transaction of a 999/997 and per TA1,\n"
    "batch_status records for statuses of a whole batch. With --segments, one record per segment of\n"
    "any X12 transaction. Envelope problems are warnings unless --strict.";

constexpr const char* kExamples =
    "  x12-parse inbox/*.277 > status.ndjson          claims from many files\n"
    "  x12-parse --errors rejects.ndjson -q a.277     findings to a file only\n"
    "  x12-parse --strict batch.277 || echo bad       withhold anything doubtful\n"
    "  x12-parse --segments remit.835 | head          any X12, one segment a line\n"
    "  cat a.277 | x12-parse | status-normalize       as a filter\n";

}  // namespace

int main(int argc, char** argv) {
  using namespace claimkit;
  auto app = cli::make_app("x12-parse", kDescription, kExamples);
  cli::common_options common;
  x12::parse_options opts;
  cli::add_common_options(*app, common);
  app->add_flag("--strict", opts.strict,
                "Treat envelope and structure findings as errors: withhold the records of the transaction "
                "(group, interchange) they concern and exit 1");
  app->add_flag("--segments", opts.segments,
                "Write one record per segment (tag, elements split into components and repetitions, "
                "envelope control numbers, position) for any X12 transaction");
  return cli::run(*app, common, argc, argv, [&](cli::context& ctx) { return x12::parse_all(ctx, opts); });
}
