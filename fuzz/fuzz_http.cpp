// Fuzzes what claimkit reads from HTTP servers: an OAuth2 token response and
// a claim status answer (at 200 and at 400), error shapes included.
// (Retry-After is read by libcurl, CURLINFO_RETRY_AFTER.)
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
  for (long http : {200L, 400L}) {
    std::string out;
    status::vendor_request req{"FUZZCLAIM1", "FUZZACCT1", "FUZZPCN1", "stedi", "000000001"};
    query::answer_result a = query::read_answer(http, body, req, out);
    if (!out.empty() && out.back() != '\n') std::abort();
    if (a.records > 0 && a.failed && out.find("\"category\":\"E0\"") == std::string::npos) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  token(text);
  claim_status(text);
  return 0;
}
