#include "auth/oauth2.hpp"

#include <thread>

#include <fmt/format.h>
#include <simdjson.h>

#include "core/error.hpp"

namespace claimkit::auth {
oauth2_client_credentials::oauth2_client_credentials(oauth2_config cfg, transport send, http::retry_policy policy,
                                                     now_fn now, sleep_fn sleep)
    : cfg_(std::move(cfg)), send_(std::move(send)), policy_(policy), now_(std::move(now)), sleep_(std::move(sleep)) {
  if (!now_) now_ = [] { return std::chrono::steady_clock::now(); };
  if (!sleep_) sleep_ = [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); };
}

const std::string& oauth2_client_credentials::token() {
  if (token_.empty() || now_() >= renew_at_) fetch();
  return token_;
}

void oauth2_client_credentials::authorize(http::request& req) { req.set_header("Authorization", "Bearer " + token()); }

bool oauth2_client_credentials::unauthorized(const http::request& sent) {
  std::string_view used = sent.header_value("Authorization");
  // Requests that left before a renewal come back 401 too: they only need the new token.
  if (!token_.empty() && used != "Bearer " + token_) return true;
  // Each wave of 401s costs one new token; a server that keeps refusing
  // fresh tokens has refused the credentials, and more tokens will not help.
  if (refreshes_after_401_ >= kMaxRefreshesAfter401) return false;
  ++refreshes_after_401_;
  token_.clear();
  fetch();
  return true;
}

void oauth2_client_credentials::fetch() {
  http::request req;
  req.method = "POST";
  req.url = cfg_.token_url;
  std::vector<std::pair<std::string, std::string>> form{{"grant_type", "client_credentials"}};
  if (cfg_.style == oauth2_config::client_auth::form_body) {
    form.emplace_back("client_id", cfg_.client_id);
    form.emplace_back("client_secret", cfg_.client_secret);
  } else {
    req.basic = http::request::basic_credentials{cfg_.client_id, cfg_.client_secret};
  }
  if (!cfg_.scope.empty()) form.emplace_back("scope", cfg_.scope);
  form.insert(form.end(), cfg_.extra_form.begin(), cfg_.extra_form.end());
  req.set_form(form);
  req.set_header("Accept", "application/json");

  // The same retry rule and Retry-After ceiling as every other request.
  std::mt19937_64 rng(std::random_device{}());
  http::job_outcome out = http::perform_with_retry([&] { return send_(req); }, policy_, sleep_, rng);
  const http::result& r = out.last;
  if (out.end == http::job_end::gave_up) throw error(cli::exit_code::remote, "token request failed: " + out.reason);
  if (!r.ok()) {
    if (r.fail == http::failure::none) {
      throw error(cli::exit_code::remote,
                  fmt::format("token request refused: HTTP {}; check the client id and secret", r.resp.status));
    }
    throw error(cli::exit_code::remote, "token request failed: " + http::describe(r));
  }

  simdjson::dom::parser parser;
  simdjson::padded_string body(r.resp.body);
  simdjson::dom::element doc;
  if (parser.parse(body).get(doc) != simdjson::SUCCESS || !doc.is_object()) {
    throw error(cli::exit_code::remote, "token response is not a JSON object");
  }
  std::string_view tok;
  if (doc["access_token"].get_string().get(tok) != simdjson::SUCCESS || tok.empty()) {
    throw error(cli::exit_code::remote, "token response has no access_token");
  }
  // expires_in is a number in RFC 6749; some servers send it as a string.
  // Anything past a year is clamped: the clock arithmetic below must not
  // overflow, and a token is renewed at least yearly anyway.
  constexpr long long kMaxExpires = 366LL * 24 * 3600;
  long long expires = 3600;
  simdjson::dom::element e;
  if (doc["expires_in"].get(e) == simdjson::SUCCESS) {
    int64_t n = 0;
    double d = 0;
    std::string_view sv;
    if (e.get_int64().get(n) == simdjson::SUCCESS) {
      expires = n > kMaxExpires ? kMaxExpires : n;
    } else if (e.get_double().get(d) == simdjson::SUCCESS) {
      expires = !(d < static_cast<double>(kMaxExpires)) ? kMaxExpires : d < 1 ? 1 : static_cast<long long>(d);
    } else if (e.get_string().get(sv) == simdjson::SUCCESS) {
      long long v = 0;
      bool ok = !sv.empty();
      for (char c : sv) {
        if (c < '0' || c > '9') {
          ok = false;
          break;
        }
        if (v < kMaxExpires) v = v * 10 + (c - '0');
      }
      if (ok) expires = v > kMaxExpires ? kMaxExpires : v;
    }
  }
  if (expires < 1) expires = 1;
  auto margin = cfg_.refresh_margin;
  if (std::chrono::seconds(expires) <= 2 * margin) margin = std::chrono::seconds(expires / 2);
  token_ = std::string(tok);
  renew_at_ = now_() + std::chrono::seconds(expires) - margin;
  ++fetched_;
}

}  // namespace claimkit::auth
