#include <doctest/doctest.h>

#include <random>
#include <vector>

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

TEST_CASE("retry: one rule for every request: attempts, backoff, Retry-After and its ceiling") {
  retry_policy p;
  p.max_attempts = 3;
  p.base_delay = milliseconds(100);
  p.max_delay = milliseconds(1000);
  std::mt19937_64 rng(7);
  result r = status(503);
  retry_step s = next_retry(r, 1, p, rng);
  CHECK(s.again);
  CHECK(s.delay <= milliseconds(100));
  // Retry-After is a minimum wait.
  r.retry_after = std::chrono::seconds(4);
  s = next_retry(r, 1, p, rng);
  CHECK(s.again);
  CHECK(s.delay == milliseconds(4000));
  // Past the ceiling the request is given up at once, not slept on.
  r.retry_after = std::chrono::seconds(999999999);
  s = next_retry(r, 1, p, rng);
  CHECK_FALSE(s.again);
  CHECK(s.reason == "gave up: the server asked to wait 999999999 s, more than the 300 s allowed (last: HTTP 503)");
  r.retry_after = std::chrono::seconds(0);
  s = next_retry(r, 3, p, rng);
  CHECK_FALSE(s.again);
  CHECK(s.reason == "gave up after 3 attempts (last: HTTP 503)");
}

TEST_CASE("retry: the blocking loop sleeps what the rule says and stops where it says") {
  retry_policy p;
  p.max_attempts = 4;
  std::mt19937_64 rng(1);
  std::vector<milliseconds> slept;
  int sent = 0;
  auto out = perform_with_retry(
      [&] {
        result r = status(++sent < 3 ? 429 : 200);
        if (sent == 1) r.retry_after = std::chrono::seconds(2);
        return r;
      },
      p, [&](milliseconds d) { slept.push_back(d); }, rng);
  CHECK(out.end == job_end::done);
  CHECK(out.last.resp.status == 200);
  CHECK(out.last.attempts == 3);
  REQUIRE(slept.size() == 2);
  CHECK(slept[0] >= milliseconds(2000));

  sent = 0;
  slept.clear();
  auto huge = perform_with_retry(
      [&] {
        ++sent;
        result r = status(503);
        r.retry_after = std::chrono::seconds(999999999);
        return r;
      },
      p, [&](milliseconds d) { slept.push_back(d); }, rng);
  CHECK(huge.end == job_end::gave_up);
  CHECK(sent == 1);
  CHECK(slept.empty());

  // A refusal and a too large answer are final.
  sent = 0;
  auto big = perform_with_retry(
      [&] {
        ++sent;
        return failed(failure::too_large);
      },
      p, [](milliseconds) {}, rng);
  CHECK(big.end == job_end::done);
  CHECK(sent == 1);
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
