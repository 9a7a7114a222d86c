// Fuzzes what claimkit reads from HTTP servers: a Retry-After value, an
// OAuth2 token response, and a claim status response (both API flavours),
// plus the error summary made from an error body.
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "auth/oauth2.hpp"
#include "core/error.hpp"
#include "http/client.hpp"
#include "http/retry.hpp"
#include "query/submit.hpp"

using namespace claimkit;

namespace {

void retry_after(std::string_view text) {
  // A fixed "now" keeps runs reproducible: 2026-01-01T00:00:00Z.
  auto wait = http::parse_retry_after(text, 1767225600);
  if (wait && wait->count() < 0) std::abort();
}

void token(std::string_view body) {
  auth::oauth2_config cfg;
  cfg.token_url = "https://127.0.0.1:1/token";
  cfg.client_id = "fuzz-client";
  cfg.client_secret = "fuzz-secret";
  auth::transport send = [&](const http::request&) {
    http::result r;
    r.resp.status = 200;
    r.resp.body = std::string(body);
    return r;
  };
  auto now = [] { return std::chrono::steady_clock::time_point(std::chrono::hours(24)); };
  auth::oauth2_client_credentials creds(cfg, send, http::retry_policy{}, now, [](std::chrono::milliseconds) {});
  try {
    const std::string& t = creds.token();
    if (t.empty()) std::abort();
    (void)creds.token();  // the cached token, or a renewal when it already expired
  } catch (const error& e) {
    if (e.code() != cli::exit_code::remote) std::abort();
  }
}

void claim_status(std::string_view body) {
  for (auto api : {query::api_flavour::optum, query::api_flavour::stedi}) {
    std::string out;
    std::vector<std::string> warnings;
    try {
      query::convert_response(body, "FUZZCLAIM1", api, "000000001", out, warnings);
      if (!out.empty() && out.back() != '\n') std::abort();
    } catch (const query::claim_problem&) {
    }
  }
  (void)query::api_errors(body);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  retry_after(text);
  token(text);
  claim_status(text);
  return 0;
}
