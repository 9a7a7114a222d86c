#pragma once

#include <chrono>
#include <cstdint>
#include <ctime>
#include <functional>
#include <optional>
#include <random>
#include <string>
#include <string_view>

#include "http/client.hpp"

namespace claimkit::http {

/// The longest Retry-After any request waits for (claim status, token and
/// PM requests alike); a server asking for more is given up on.
inline constexpr std::chrono::milliseconds kMaxRetryAfter{300'000};

struct retry_policy {
  int max_attempts = 5;                                        // attempts per request, first included
  std::chrono::milliseconds base_delay{500};                   // backoff before the 2nd attempt (upper bound)
  std::chrono::milliseconds max_delay{30'000};                 // backoff cap
  std::chrono::milliseconds max_retry_after = kMaxRetryAfter;  // a longer Retry-After gives up instead
  int breaker_threshold = 10;  // consecutive failed attempts that stop the run; 0 = never
};

/// What to do with the outcome of one attempt.
enum class verdict {
  success,       // 2xx
  retry,         // connection failure, timeout, dropped connection, 429, 5xx
  unauthorized,  // 401: the caller may refresh its credentials once
  fail,          // anything else (4xx, 3xx, TLS, refused): final for this request
};
verdict classify(const result& r);

/// Full-jitter backoff before attempt `next_attempt` (2 for the first retry):
/// uniform in [0, min(max_delay, base_delay * 2^(next_attempt-2))].
std::chrono::milliseconds backoff_delay(int next_attempt, const retry_policy& p, std::mt19937_64& rng);

/// The kit's one retry rule, for a retryable outcome (verdict::retry) after
/// `attempts` attempts: try again after full-jitter backoff, or after the
/// server's Retry-After when that is longer; give up after max_attempts, or
/// at once when Retry-After passes max_retry_after (waiting would hold the
/// run, and its lock, for that long).
struct retry_step {
  bool again = false;
  std::chrono::milliseconds delay{0};
  std::string reason;  // when !again: why, without request data
};
retry_step next_retry(const result& r, int attempts, const retry_policy& p, std::mt19937_64& rng);

/// Counts consecutive failed attempts; opens (and stays open) at the threshold.
class circuit_breaker {
 public:
  explicit circuit_breaker(int threshold) : threshold_(threshold) {}
  void record_success() { consecutive_ = 0; }
  void record_failure() {
    ++consecutive_;
    if (threshold_ > 0 && consecutive_ >= threshold_) open_ = true;
  }
  bool open() const { return open_; }
  int consecutive() const { return consecutive_; }

 private:
  int threshold_;
  int consecutive_ = 0;
  bool open_ = false;
};

/// How a job ended.
enum class job_end {
  done,     // final answer: success, or a non-retryable response (inspect result)
  gave_up,  // retryable failures until max_attempts (or a too long Retry-After)
  stopped,  // never finished: the run was stopped (breaker open, auth refused)
};

struct job_outcome {
  job_end end = job_end::done;
  result last;         // the last attempt's result (empty when never sent)
  std::string reason;  // for gave_up / stopped: why, no request data
};

/// One unit of work for the dispatcher. make() is called before every attempt
/// so credentials are fresh; done() is called exactly once.
struct job {
  std::function<request()> make;
  std::function<void(job_outcome)> done;
};

/// The same loop for one request at a time (token requests): sends until an
/// answer that is not retried (job_end::done) or next_retry gives up
/// (job_end::gave_up), sleeping between attempts with `sleep`.
job_outcome perform_with_retry(const std::function<result()>& send, const retry_policy& p,
                               const std::function<void(std::chrono::milliseconds)>& sleep, std::mt19937_64& rng);

/// Called on a 401 with the request that got it. Returns true when new
/// credentials are in place and the request should be tried again (at most
/// once per job); false means authorization is refused and the run stops.
using unauthorized_handler = std::function<bool(const request& sent)>;

/// Runs jobs over a client with the retry policy: retryable failures are
/// retried with full-jitter backoff (Retry-After, when given, is the minimum
/// wait); the circuit breaker, a refused authorization or a TLS failure
/// stops the run: queued and waiting jobs end as `stopped`, transfers in
/// flight finish.
class dispatcher {
 public:
  dispatcher(client& c, retry_policy p, std::uint64_t seed = std::random_device{}());

  void on_unauthorized(unauthorized_handler h) { on_unauthorized_ = std::move(h); }
  /// Observes every attempt's result (counting, progress); optional.
  void on_attempt(std::function<void(const result&)> f) { on_attempt_ = std::move(f); }

  void add(job j);
  /// Runs until every job has ended.
  void run();
  /// Stops the run from outside (e.g. a fatal token error): same as the breaker.
  void stop(std::string reason);

  bool stopped() const { return stopped_; }
  const std::string& stop_reason() const { return stop_reason_; }
  std::uint64_t attempts() const { return attempts_; }

 private:
  struct state;
  void start(const std::shared_ptr<state>& s, clock::time_point not_before);
  void finish_attempt(const std::shared_ptr<state>& s, result r);

  client& client_;
  retry_policy policy_;
  std::mt19937_64 rng_;
  circuit_breaker breaker_;
  unauthorized_handler on_unauthorized_;
  std::function<void(const result&)> on_attempt_;
  bool stopped_ = false;
  std::string stop_reason_;
  std::uint64_t attempts_ = 0;
};

}  // namespace claimkit::http
