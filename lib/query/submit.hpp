#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/tool.hpp"
#include "ndjson/reader.hpp"

namespace claimkit::query {

enum class api_flavour { optum, stedi };
std::string_view api_name(api_flavour a);

/// Production endpoints (checked against the providers' public documentation).
inline constexpr std::string_view kOptumUrl = "https://apigw.changehealthcare.com/medicalnetwork/claimstatus/v2/";
inline constexpr std::string_view kOptumTokenUrl = "https://apigw.changehealthcare.com/apip/auth/v2/token";
inline constexpr std::string_view kStediUrl = "https://healthcare.us.stedi.com/2024-04-01/change/medicalnetwork/claimstatus/v2";

/// What `claim-query submit` is told on its command line.
struct submit_options {
  api_flavour api = api_flavour::optum;
  std::string url;        // empty: config file, then the production endpoint
  std::string token_url;  // Optum only
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

/// Thrown by build_request / convert_response: the claim fails with this kind.
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

/// Converts a claim status v2 JSON response to claim_status NDJSON lines
/// (each ending in '\n') appended to out, one per element of claims[].
/// claim_id is the one the request carried (encounter.trackingNumber).
/// Returns the number of records. Throws claim_problem when the body is not
/// JSON, carries errors[] and no claims, or has no claims at all.
/// A trackingNumber that differs from claim_id adds a warning.
std::size_t convert_response(std::string_view body, std::string_view claim_id, api_flavour api,
                             std::string_view control_number, std::string& out, std::vector<std::string>& warnings);

/// From an error response: a summary safe for stderr (error codes and field
/// names only) and the API's own error array/text as a JSON member list for
/// the rejects file (`"api_errors":[...]` or `"api_message":"..."`), empty
/// when the body says nothing usable.
struct api_error_info {
  std::string summary;
  std::string extra;
};
api_error_info api_errors(std::string_view body);

/// Reads the claims, asks the API, writes claim_status records to ctx.out.
/// Every claim ends as output or in the reporter (--errors). Returns the
/// exit code (0, 1 when some claims failed, 4 when the run was stopped).
int run_submit(cli::context& ctx, const submit_options& opts);

}  // namespace claimkit::query
