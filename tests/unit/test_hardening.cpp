// Regression tests for problems the fuzzers found (fuzz/regressions/ holds
// the raw inputs, replayed by tests/scripts/fuzz_smoke.sh).
#include <doctest/doctest.h>

#include <chrono>
#include <string>

#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "auth/oauth2.hpp"
#include "core/error.hpp"
#include "http/retry.hpp"
#include "io/input.hpp"
#include "x12/reader.hpp"

using namespace claimkit;

namespace {

// A token endpoint that always answers with body; counts the requests.
int tokens_for_two_calls(const std::string& body) {
  int requests = 0;
  auth::oauth2_config cfg;
  cfg.token_url = "https://auth.example.test/token";
  cfg.client_id = "id";
  cfg.client_secret = "secret";
  auto now = [] { return std::chrono::steady_clock::time_point(std::chrono::hours(1)); };
  auth::oauth2_client_credentials p(
      cfg,
      [&](const http::request&) {
        ++requests;
        http::result r;
        r.resp.status = 200;
        r.resp.body = body;
        return r;
      },
      http::retry_policy{}, now, [](std::chrono::milliseconds) {});
  (void)p.token();
  (void)p.token();
  return requests;
}

}  // namespace

// fuzz_http: an expires_in too large for the clock overflowed the renewal time
// (signed overflow: renew_at_ landed in the past, so every request fetched a
// new token); a 20-digit string overflowed while being read, and a huge
// float was cast to an integer out of range. A long-lived token must simply
// be reused (regression: the conversion overflowed, undefined behaviour).
TEST_CASE("oauth2: a huge expires_in keeps the token") {
  CHECK(tokens_for_two_calls(R"({"access_token":"t","expires_in":10000000000})") == 1);
  CHECK(tokens_for_two_calls(R"({"access_token":"t","expires_in":"99999999999999999999999"})") == 1);
  CHECK(tokens_for_two_calls(R"({"access_token":"t","expires_in":1e300})") == 1);
}

// fuzz_x12_segments: a possible ISA followed by more line breaks than the
// buffer may hold made the reader ask for more text forever. It must give up
// on that ISA and go on to the end of the input.
TEST_CASE("x12 reader: an ISA tag followed by line breaks past the buffer limit ends") {
  char path[] = "/tmp/claimkit-hardening-XXXXXX";
  int fd = ::mkstemp(path);
  REQUIRE(fd >= 0);
  ::close(fd);
  {
    std::ofstream f(path, std::ios::binary);
    f << "ISA*00*" << std::string(4096, '\n') << "x~";
  }
  io::input in(path);
  x12::reader r(in, 16, 1024);
  x12::segment seg;
  int segments = 0;
  while (r.next(seg) && segments < 10) ++segments;
  CHECK(segments == 0);
  CHECK_FALSE(r.saw_isa());
  std::remove(path);
}
