#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/client.hpp"
#include "http/retry.hpp"

namespace claimkit::auth {

/// Puts credentials on requests. One provider serves a whole run.
class token_provider {
 public:
  virtual ~token_provider() = default;
  /// Adds the credentials (e.g. an Authorization header), fetching a token
  /// first when needed. Throws claimkit::error (remote) when none can be had.
  virtual void authorize(http::request& req) = 0;
  /// Called when `sent` got a 401. Returns true when fresh credentials are
  /// in place so the request may be tried once more; false when a retry
  /// cannot help (the credentials are simply refused).
  virtual bool unauthorized(const http::request& sent) = 0;
};

/// A fixed API key in a header (Stedi: `Authorization: <key>`). A 401 cannot
/// be fixed by retrying.
class api_key_provider : public token_provider {
 public:
  api_key_provider(std::string header_name, std::string key) : header_(std::move(header_name)), key_(std::move(key)) {}
  void authorize(http::request& req) override { req.set_header(header_, key_); }
  bool unauthorized(const http::request&) override { return false; }

 private:
  std::string header_;
  std::string key_;
};

/// Sends one token request and returns its result (usually http::client::perform);
/// an interface so tests can answer in memory.
using transport = std::function<http::result(const http::request&)>;

struct oauth2_config {
  std::string token_url;
  std::string client_id;
  std::string client_secret;
  std::string scope;  // sent when not empty
  /// More form fields of the token request, sent as given (NextGen: site_id).
  std::vector<std::pair<std::string, std::string>> extra_form;
  /// How the client authenticates to the token endpoint: credentials in the
  /// form body (Optum / Change Healthcare) or HTTP Basic (RFC 6749 2.3.1; athenahealth).
  enum class client_auth { form_body, basic } style = client_auth::form_body;
  /// Renew this long before the token expires (halved for short-lived tokens).
  std::chrono::seconds refresh_margin{60};
};

/// OAuth2 client-credentials grant with a token cache: one token per run,
/// reused until shortly before `expires_in`, fetched again once after a 401
/// for the token in use. Token requests are retried like any request
/// (connection failures, timeouts, 429, 5xx) with the given policy.
class oauth2_client_credentials : public token_provider {
 public:
  using now_fn = std::function<std::chrono::steady_clock::time_point()>;
  using sleep_fn = std::function<void(std::chrono::milliseconds)>;

  oauth2_client_credentials(oauth2_config cfg, transport send, http::retry_policy policy = {}, now_fn now = nullptr,
                            sleep_fn sleep = nullptr);

  void authorize(http::request& req) override;
  bool unauthorized(const http::request& sent) override;

  /// The current bearer token, fetched when missing or about to expire.
  const std::string& token();
  /// Tokens obtained so far (for the run summary and tests).
  int tokens_fetched() const { return fetched_; }

 private:
  void fetch();

  oauth2_config cfg_;
  transport send_;
  http::retry_policy policy_;
  now_fn now_;
  sleep_fn sleep_;
  std::string token_;
  std::chrono::steady_clock::time_point renew_at_{};
  int fetched_ = 0;
  int refreshes_after_401_ = 0;
  static constexpr int kMaxRefreshesAfter401 = 3;
};

}  // namespace claimkit::auth
