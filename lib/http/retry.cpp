#include "http/retry.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <ctime>

#include <fmt/format.h>

#include "core/error.hpp"

namespace claimkit::http {

verdict classify(const result& r) {
  switch (r.fail) {
    case failure::none: break;
    case failure::connect:
    case failure::timeout:
    case failure::dropped: return verdict::retry;
    case failure::tls:
    case failure::refused:
    case failure::too_large:  // the same server would send the same answer
    case failure::other: return verdict::fail;
  }
  long s = r.resp.status;
  if (s >= 200 && s < 300) return verdict::success;
  if (s == 401) return verdict::unauthorized;
  if (s == 429 || s >= 500) return verdict::retry;
  return verdict::fail;
}

std::chrono::milliseconds backoff_delay(int next_attempt, const retry_policy& p, std::mt19937_64& rng) {
  int exp = std::clamp(next_attempt - 2, 0, 30);
  long double ceiling = static_cast<long double>(p.base_delay.count()) * static_cast<long double>(1ULL << exp);
  ceiling = std::min(ceiling, static_cast<long double>(p.max_delay.count()));
  auto top = static_cast<long long>(ceiling);
  if (top <= 0) return std::chrono::milliseconds(0);
  std::uniform_int_distribution<long long> dist(0, top);
  return std::chrono::milliseconds(dist(rng));
}

retry_step next_retry(const result& r, int attempts, const retry_policy& p, std::mt19937_64& rng) {
  retry_step step;
  if (attempts >= p.max_attempts) {
    step.reason = fmt::format("gave up after {} attempts (last: {})", attempts, describe(r));
    return step;
  }
  if (r.retry_after > p.max_retry_after) {
    step.reason = fmt::format("gave up: the server asked to wait {} s, more than the {} s allowed (last: {})",
                              r.retry_after.count(),
                              std::chrono::duration_cast<std::chrono::seconds>(p.max_retry_after).count(), describe(r));
    return step;
  }
  step.again = true;
  step.delay = std::max(backoff_delay(attempts + 1, p, rng),
                        std::chrono::duration_cast<std::chrono::milliseconds>(r.retry_after));
  return step;
}

job_outcome perform_with_retry(const std::function<result()>& send, const retry_policy& p,
                               const std::function<void(std::chrono::milliseconds)>& sleep, std::mt19937_64& rng) {
  for (int attempt = 1;; ++attempt) {
    result r = send();
    r.attempts = attempt;
    if (classify(r) != verdict::retry) return job_outcome{job_end::done, std::move(r), {}};
    retry_step step = next_retry(r, attempt, p, rng);
    if (!step.again) return job_outcome{job_end::gave_up, std::move(r), std::move(step.reason)};
    sleep(step.delay);
  }
}

struct dispatcher::state {
  job j;
  int attempts = 0;
  bool auth_retried = false;
  request sent;
  result last;
  bool ended = false;
};

dispatcher::dispatcher(client& c, retry_policy p, std::uint64_t seed)
    : client_(c), policy_(p), rng_(seed), breaker_(p.breaker_threshold) {
  if (policy_.max_attempts < 1) policy_.max_attempts = 1;
}

void dispatcher::add(job j) {
  auto s = std::make_shared<state>();
  s->j = std::move(j);
  start(s, clock::time_point{});
}

void dispatcher::run() { client_.run(); }

void dispatcher::stop(std::string reason) {
  if (stopped_) return;
  stopped_ = true;
  stop_reason_ = std::move(reason);
  client_.cancel_queued();
}

void dispatcher::start(const std::shared_ptr<state>& s, clock::time_point not_before) {
  if (stopped_) {
    s->ended = true;
    s->j.done(job_outcome{job_end::stopped, s->last, stop_reason_});
    return;
  }
  client_.submit_lazy(
      [this, s]() -> std::optional<request> {
        if (stopped_) return std::nullopt;
        try {
          s->sent = s->j.make();
        } catch (const error& e) {
          stop(e.what());
          return std::nullopt;
        }
        return s->sent;
      },
      [this, s](result r) { finish_attempt(s, std::move(r)); }, not_before);
}

void dispatcher::finish_attempt(const std::shared_ptr<state>& s, result r) {
  if (r.fail == failure::refused && (r.error == "cancelled" || r.error == "not started") && stopped_) {
    s->ended = true;
    s->j.done(job_outcome{job_end::stopped, s->last, stop_reason_});
    return;
  }
  ++attempts_;
  r.attempts = ++s->attempts;
  if (on_attempt_) on_attempt_(r);
  verdict v = classify(r);
  // A clearinghouse's 403 (a revoked or wrong key) will not pass on the next
  // claim either: it stops the run like a 401 that new credentials did not cure.
  if (r.fail == failure::none && r.resp.status == 403) v = verdict::unauthorized;
  auto end = [&](job_end how, std::string reason) {
    s->last = std::move(r);
    s->ended = true;
    s->j.done(job_outcome{how, s->last, std::move(reason)});
  };

  switch (v) {
    case verdict::success:
      breaker_.record_success();
      end(job_end::done, {});
      return;
    case verdict::fail:
      if (r.fail == failure::tls) {
        // The next request to the same server would meet the same certificate.
        stop(describe(r));
        end(job_end::stopped, stop_reason_);
        return;
      }
      if (r.fail == failure::none) breaker_.record_success();
      else breaker_.record_failure();
      end(job_end::done, {});
      return;
    case verdict::unauthorized: {
      breaker_.record_success();  // the service is up; the credentials are the question
      bool again = false;
      if (!s->auth_retried && on_unauthorized_ && r.resp.status == 401) {
        try {
          again = on_unauthorized_(s->sent);
        } catch (const error& e) {
          stop(e.what());
          end(job_end::stopped, stop_reason_);
          return;
        }
      }
      if (!again) {
        stop(fmt::format("authorization refused (HTTP {})", r.resp.status));
        end(job_end::stopped, stop_reason_);
        return;
      }
      s->auth_retried = true;
      s->last = std::move(r);
      start(s, clock::time_point{});
      return;
    }
    case verdict::retry: break;
  }

  // Being told to slow down says nothing about the service's health.
  if (r.resp.status != 429) breaker_.record_failure();
  if (breaker_.open()) {
    stop(fmt::format("stopped after {} consecutive failures (last: {})", breaker_.consecutive(), describe(r)));
    end(job_end::stopped, stop_reason_);
    return;
  }
  if (stopped_) {
    end(job_end::stopped, stop_reason_);
    return;
  }
  retry_step step = next_retry(r, s->attempts, policy_, rng_);
  if (!step.again) {
    end(job_end::gave_up, std::move(step.reason));
    return;
  }
  auto delay = step.delay;
  s->last = std::move(r);
  start(s, clock::now() + delay);
}

}  // namespace claimkit::http
