#include <doctest/doctest.h>

#include <random>

#include "http/retry.hpp"

using namespace claimkit::http;
using std::chrono::milliseconds;

namespace {
result status(long s) {
  result r;
  r.resp.status = s;
  return r;
}
result failed(failure f) {
  result r;
  r.fail = f;
  return r;
}
}  // namespace

TEST_CASE("retry: which outcomes are retried") {
  CHECK(classify(status(200)) == verdict::success);
  CHECK(classify(status(204)) == verdict::success);
  CHECK(classify(status(500)) == verdict::retry);
  CHECK(classify(status(502)) == verdict::retry);
  CHECK(classify(status(503)) == verdict::retry);
  CHECK(classify(status(429)) == verdict::retry);
  CHECK(classify(status(401)) == verdict::unauthorized);
  CHECK(classify(status(400)) == verdict::fail);
  CHECK(classify(status(403)) == verdict::fail);
  CHECK(classify(status(404)) == verdict::fail);
  CHECK(classify(status(301)) == verdict::fail);
  CHECK(classify(failed(failure::connect)) == verdict::retry);
  CHECK(classify(failed(failure::timeout)) == verdict::retry);
  CHECK(classify(failed(failure::dropped)) == verdict::retry);
  // A certificate problem will not fix itself between attempts.
  CHECK(classify(failed(failure::tls)) == verdict::fail);
  CHECK(classify(failed(failure::refused)) == verdict::fail);
}

TEST_CASE("retry: Retry-After as seconds") {
  CHECK(parse_retry_after("0", 0) == milliseconds(0));
  CHECK(parse_retry_after("1", 0) == milliseconds(1000));
  CHECK(parse_retry_after(" 120 ", 0) == milliseconds(120000));
  CHECK_FALSE(parse_retry_after("", 0).has_value());
  CHECK_FALSE(parse_retry_after("-1", 0).has_value());
  CHECK_FALSE(parse_retry_after("1.5", 0).has_value());
  CHECK_FALSE(parse_retry_after("soon", 0).has_value());
}

TEST_CASE("retry: Retry-After as an HTTP-date, in all three RFC 9110 forms") {
  const std::time_t now = 784111767;  // Sun, 06 Nov 1994 08:49:27 GMT
  CHECK(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now) == milliseconds(10000));
  CHECK(parse_retry_after("Sunday, 06-Nov-94 08:49:37 GMT", now) == milliseconds(10000));
  CHECK(parse_retry_after("Sun Nov  6 08:49:37 1994", now) == milliseconds(10000));
  // A date in the past means "now".
  CHECK(parse_retry_after("Sun, 06 Nov 1994 08:00:00 GMT", now) == milliseconds(0));
  CHECK_FALSE(parse_retry_after("Sun, 06 Nov 1994 08:49:37", now).has_value());
  CHECK_FALSE(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT trailing", now).has_value());
}

TEST_CASE("retry: full-jitter backoff stays under the doubling, capped ceiling") {
  retry_policy p;
  p.base_delay = milliseconds(100);
  p.max_delay = milliseconds(1000);
  std::mt19937_64 rng(42);
  for (int i = 0; i < 200; ++i) {
    CHECK(backoff_delay(2, p, rng) <= milliseconds(100));
    CHECK(backoff_delay(3, p, rng) <= milliseconds(200));
    CHECK(backoff_delay(4, p, rng) <= milliseconds(400));
    CHECK(backoff_delay(10, p, rng) <= milliseconds(1000));
    CHECK(backoff_delay(60, p, rng) <= milliseconds(1000));  // no overflow for large attempt numbers
  }
  // Jitter: the delays are spread, not all at the ceiling.
  milliseconds lo{1000}, hi{0};
  for (int i = 0; i < 200; ++i) {
    auto d = backoff_delay(10, p, rng);
    lo = std::min(lo, d);
    hi = std::max(hi, d);
  }
  CHECK(lo < milliseconds(200));
  CHECK(hi > milliseconds(800));
  p.base_delay = milliseconds(0);
  CHECK(backoff_delay(5, p, rng) == milliseconds(0));
}

TEST_CASE("retry: circuit breaker opens after N consecutive failures and stays open") {
  circuit_breaker b(3);
  b.record_failure();
  b.record_failure();
  b.record_success();  // a success resets the count
  b.record_failure();
  b.record_failure();
  CHECK_FALSE(b.open());
  b.record_failure();
  CHECK(b.open());
  b.record_success();
  CHECK(b.open());
  circuit_breaker never(0);
  for (int i = 0; i < 100; ++i) never.record_failure();
  CHECK_FALSE(never.open());
}
