#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "auth/oauth2.hpp"
#include "core/error.hpp"

using namespace claimkit;
using namespace std::chrono_literals;

namespace {

// An in-memory token endpoint and clock.
struct fake_endpoint {
  std::vector<http::request> seen;
  std::vector<http::result> script;  // answers in order; then tokens tok-N
  int issued = 0;
  std::chrono::steady_clock::time_point now{};
  std::vector<std::chrono::milliseconds> slept;

  http::result answer(const http::request& r) {
    seen.push_back(r);
    if (seen.size() <= script.size()) return script[seen.size() - 1];
    http::result res;
    res.resp.status = 200;
    res.resp.body =
        "{\"access_token\":\"tok-" + std::to_string(++issued) + "\",\"token_type\":\"bearer\",\"expires_in\":7200}";
    return res;
  }
  auth::oauth2_client_credentials provider(auth::oauth2_config cfg = {}) {
    if (cfg.token_url.empty()) cfg.token_url = "https://auth.example.test/apip/auth/v2/token";
    if (cfg.client_id.empty()) cfg.client_id = "id 1";
    if (cfg.client_secret.empty()) cfg.client_secret = "s&cret";
    http::retry_policy p;
    p.max_attempts = 3;
    return auth::oauth2_client_credentials(
        cfg, [this](const http::request& r) { return answer(r); }, p, [this] { return now; },
        [this](std::chrono::milliseconds d) { slept.push_back(d); });
  }
};

http::result status(long s, std::string body = "{}") {
  http::result r;
  r.resp.status = s;
  r.resp.body = std::move(body);
  return r;
}

std::string error_text(const std::function<void()>& f) {
  try {
    f();
  } catch (const claimkit::error& e) {
    CHECK(e.code() == cli::exit_code::remote);
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("oauth2: one token for many requests, form-encoded client credentials") {
  fake_endpoint ep;
  auto p = ep.provider();
  for (int i = 0; i < 100; ++i) {
    http::request r;
    p.authorize(r);
    CHECK(r.header_value("Authorization") == "Bearer tok-1");
  }
  CHECK(p.tokens_fetched() == 1);
  REQUIRE(ep.seen.size() == 1);
  CHECK(ep.seen[0].method == "POST");
  CHECK(ep.seen[0].url == "https://auth.example.test/apip/auth/v2/token");
  CHECK(ep.seen[0].body == "grant_type=client_credentials&client_id=id%201&client_secret=s%26cret");
  CHECK(ep.seen[0].header_value("Content-Type") == "application/x-www-form-urlencoded");
}

TEST_CASE("oauth2: extra form fields (NextGen's site_id) go in every token request, encoded") {
  fake_endpoint ep;
  auth::oauth2_config cfg;
  cfg.extra_form = {{"site_id", "site 7&x"}};
  auto p = ep.provider(cfg);
  http::request sent;
  p.authorize(sent);
  CHECK(p.unauthorized(sent));  // a fresh token after a 401: the same form
  REQUIRE(ep.seen.size() == 2);
  for (const auto& r : ep.seen) {
    CHECK(r.body == "grant_type=client_credentials&client_id=id%201&client_secret=s%26cret&site_id=site%207%26x");
  }
}

TEST_CASE("oauth2: renewed shortly before expires_in, not after") {
  fake_endpoint ep;
  auto p = ep.provider();
  CHECK(p.token() == "tok-1");
  ep.now += 7200s - 61s;
  CHECK(p.token() == "tok-1");
  ep.now += 2s;  // inside the 60 s margin
  CHECK(p.token() == "tok-2");
  CHECK(p.tokens_fetched() == 2);
}

TEST_CASE("oauth2: short-lived tokens renew at half their life; expires_in may be a string") {
  fake_endpoint ep;
  ep.script = {status(200, R"({"access_token":"short","expires_in":"100"})")};
  auto p = ep.provider();
  CHECK(p.token() == "short");
  ep.now += 49s;
  CHECK(p.token() == "short");
  ep.now += 2s;
  CHECK(p.token() == "tok-1");
}

TEST_CASE("oauth2: a 401 renews the token once; requests with the old token just retry") {
  fake_endpoint ep;
  auto p = ep.provider();
  http::request a, b;
  p.authorize(a);
  p.authorize(b);
  CHECK(p.unauthorized(a));  // renews
  CHECK(p.tokens_fetched() == 2);
  CHECK(p.unauthorized(b));  // b left with tok-1: no new token needed
  CHECK(p.tokens_fetched() == 2);
  http::request c;
  p.authorize(c);
  CHECK(c.header_value("Authorization") == "Bearer tok-2");
}

TEST_CASE("oauth2: a server that keeps refusing fresh tokens is refused in the end") {
  fake_endpoint ep;
  auto p = ep.provider();
  int renewals = 0;
  for (int i = 0; i < 10; ++i) {
    http::request r;
    p.authorize(r);
    if (!p.unauthorized(r)) break;
    ++renewals;
  }
  CHECK(renewals == 3);
  CHECK(p.tokens_fetched() == 4);
}

TEST_CASE("oauth2: token endpoint faults are retried, refusals are not") {
  fake_endpoint ep;
  http::result r503 = status(503);
  r503.retry_after = 2s;
  ep.script = {r503, status(0)};
  ep.script[1].fail = http::failure::dropped;
  auto p = ep.provider();
  CHECK(p.token() == "tok-1");
  CHECK(ep.seen.size() == 3);
  REQUIRE(ep.slept.size() == 2);
  CHECK(ep.slept[0] >= 2000ms);  // Retry-After is a minimum

  fake_endpoint refused;
  refused.script = {status(401, R"({"error":"invalid_client"})")};
  auto q = refused.provider();
  CHECK(error_text([&] { q.token(); }) == "token request refused: HTTP 401; check the client id and secret");
  CHECK(refused.seen.size() == 1);

  fake_endpoint down;
  down.script = {status(500), status(500), status(500), status(500)};
  auto d = down.provider();
  CHECK(error_text([&] { d.token(); }) == "token request failed: gave up after 3 attempts (last: HTTP 500)");

  // The token request keeps the same Retry-After ceiling as status requests:
  // a huge wait gives up at once instead of sleeping with the run's lock held.
  fake_endpoint stalling;
  http::result huge = status(503);
  huge.retry_after = std::chrono::seconds(999999999);
  stalling.script = {huge, huge, huge};
  auto h = stalling.provider();
  CHECK(error_text([&] { h.token(); }) ==
        "token request failed: gave up: the server asked to wait 999999999 s, more than the 300 s allowed "
        "(last: HTTP 503)");
  CHECK(stalling.seen.size() == 1);
  CHECK(stalling.slept.empty());
}

TEST_CASE("oauth2: malformed token answers") {
  fake_endpoint ep;
  ep.script = {status(200, "not json")};
  auto p = ep.provider();
  CHECK(error_text([&] { p.token(); }) == "token response is not a JSON object");
  fake_endpoint ep2;
  ep2.script = {status(200, R"({"token_type":"bearer"})")};
  auto q = ep2.provider();
  CHECK(error_text([&] { q.token(); }) == "token response has no access_token");
}

TEST_CASE("oauth2: HTTP Basic client authentication and scope (athenahealth style)") {
  fake_endpoint ep;
  auth::oauth2_config cfg;
  cfg.token_url = "https://api.preview.platform.athenahealth.com/oauth2/v1/token";
  cfg.client_id = "Aladdin";
  cfg.client_secret = "open sesame";
  cfg.scope = "athena/service/Athenanet.MDP.*";
  cfg.style = auth::oauth2_config::client_auth::basic;
  auto p = ep.provider(cfg);
  CHECK(p.token() == "tok-1");
  // libcurl sends them as "Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==" (RFC 7617);
  // tests/scripts/pm_push_athena.sh checks that on the wire.
  REQUIRE(ep.seen[0].basic.has_value());
  CHECK(ep.seen[0].basic->user == "Aladdin");
  CHECK(ep.seen[0].basic->password == "open sesame");
  CHECK(ep.seen[0].header_value("Authorization").empty());
  CHECK(ep.seen[0].body == "grant_type=client_credentials&scope=athena%2Fservice%2FAthenanet.MDP.%2A");
}

TEST_CASE("api key: fixed header, a 401 is final") {
  auth::api_key_provider k("Authorization", "key-123");
  http::request r;
  k.authorize(r);
  CHECK(r.header_value("Authorization") == "key-123");
  CHECK_FALSE(k.unauthorized(r));
}
