#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/tool.hpp"
#include "ndjson/reader.hpp"
#include "status/vendor.hpp"

namespace claimkit::query {

enum class api_flavour { optum, stedi };
std::string_view api_name(api_flavour a);

/// Endpoints: Optum's claim status v2 and token paths (its OpenAPI documents,
/// claim-query(1) cites them) on the apigw.optum.com hosts; Stedi's server
/// URL and path from its OpenAPI document.
inline constexpr std::string_view kOptumUrl = "https://apigw.optum.com/medicalnetwork/claimstatus/v2/";
inline constexpr std::string_view kOptumTokenUrl = "https://apigw.optum.com/apip/auth/v2/token";
inline constexpr std::string_view kOptumSandboxUrl = "https://sandbox-apigw.optum.com/medicalnetwork/claimstatus/v2/";
inline constexpr std::string_view kOptumSandboxTokenUrl = "https://sandbox-apigw.optum.com/apip/auth/v2/token";
inline constexpr std::string_view kStediUrl =
    "https://healthcare.us.stedi.com/2024-04-01/change/medicalnetwork/claimstatus/v2";

/// What `claim-query submit` is told on its command line.
struct submit_options {
  api_flavour api = api_flavour::optum;
  std::string url;        // empty: config file, then the production endpoint
  std::string token_url;  // Optum only
  bool sandbox = false;   // Optum's sandbox hosts as the defaults
  std::string config_path;
  int jobs = 4;
  double rate = 0;  // requests per second; 0 = no cap
  int max_attempts = 5;
  int breaker = 10;  // consecutive failures that stop the run; 0 = never
  double connect_timeout = 10;
  double timeout = 90;
  double retry_delay = 0.5;
  double retry_max_delay = 30;
  std::string cacert;
  std::string raw_path;
  std::string format_in;          // --format-in: ndjson, csv, or empty (by file name)
  std::string columns;            // --columns FIELD=HEADER,...
  std::string max_response_size;  // --max-response-size; empty: [http] max_response_size, else 16M
  /// Called with a progress line when set (the command sets it only when
  /// stderr is a terminal); an empty line means "clear it" (before a message
  /// and at the end).
  std::function<void(const std::string& line, bool final)> progress;
};

/// Thrown by build_request: the claim fails with this kind before it is sent.
struct claim_problem {
  std::string kind;
  std::string message;  // names fields, never values
};

/// The claim status v2 JSON request for one claim record: controlNumber,
/// tradingPartnerServiceId (payer_id), providers[] (billing provider),
/// subscriber, dependent (from patient), encounter (service dates,
/// trackingNumber = claim_id, tradingPartnerClaimNumber, submittedAmount).
/// Throws claim_problem when a required field is missing or malformed.
std::string build_request(const ndjson::record& rec, std::string_view control_number);

/// What one answer of the claim status API gave.
struct answer_note {
  std::string kind, message, extra;  // a warning for --errors: codes and field names only
};
struct answer_result {
  std::size_t records = 0;  // claim_status lines appended to out
  bool failed = false;      // the claim goes to --errors with kind, message, extra
  std::string kind, message, extra;
  std::vector<answer_note> notes;
};

/// Reads one answer (any HTTP status but 401/403, which stop the run) with
/// the one vendor converter (status/vendor): one claim_status line per
/// claims[] entry, each with its own identity; an answer that carries only
/// errors gives the claim asked for an error-state (E0) status and fails it.
answer_result read_answer(long http_status, std::string_view body, const status::vendor_request& req, std::string& out);

/// Reads the claims, asks the API, writes claim_status records to ctx.out.
/// Every claim ends as output or in the reporter (--errors). Returns the
/// exit code (0, 1 when some claims failed, 4 when the run was stopped).
int run_submit(cli::context& ctx, const submit_options& opts);

}  // namespace claimkit::query
