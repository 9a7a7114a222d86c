#include "push/http_target.hpp"

#include <algorithm>
#include <chrono>
#include <deque>
#include <functional>

#include <fmt/format.h>

#include "core/error.hpp"
#include "journal/journal.hpp"
#include "json/writer.hpp"

namespace claimkit::push {
namespace {

struct job_state {
  item* it = nullptr;
  int attempts = 0;
  bool refreshed = false;
  bool intent = false;
  bool maybe_sent = false;  // an attempt may have reached the target
  bool finished = false;
};

std::string describe_failure(const http::result& r) {
  if (r.fail == http::failure::none) return fmt::format("http {}", r.resp.status);
  return std::string(http::failure_name(r.fail));
}

}  // namespace

std::string trim_slash(std::string s) {
  while (!s.empty() && s.back() == '/') s.pop_back();
  return s;
}

http_target::http_target(const http_options& o) : opts_(o), creds_(o.config_path) {
  if (!o.claim_pattern.empty()) {
    try {
      pattern_ = std::make_unique<std::regex>(o.claim_pattern, std::regex::ECMAScript);
    } catch (const std::regex_error&) {
      throw error(cli::exit_code::usage, "--claim-pattern: not a valid regular expression");
    }
    if (pattern_->mark_count() < 1) {
      throw error(cli::exit_code::usage, "--claim-pattern: needs a group ( ) around the PM claim id");
    }
  }
}

http_target::~http_target() = default;

void http_target::make_client() {
  http::client_options co;
  co.jobs = opts_.jobs;
  co.rate = opts_.rate;
  co.connect_timeout = opts_.connect_timeout;
  co.total_timeout = opts_.total_timeout;
  co.cacert = opts_.cacert;
  co.max_response_size = opts_.max_response_size;
  if (co.max_response_size == 0) {
    auto v = creds_.get("CLAIMKIT_MAX_RESPONSE_SIZE", "http", "max_response_size");
    co.max_response_size = v ? http::parse_size(*v, "[http] max_response_size") : http::kDefaultMaxResponseSize;
  }
  client_ = std::make_unique<http::client>(co);
}

bool http_target::map_claim_id(const std::string& claim_id, std::string& out) const {
  // A note URL without a claim would address the wrong resource.
  if (claim_id.empty()) return false;
  if (!pattern_) {
    out = claim_id;
    return true;
  }
  std::smatch m;
  if (!std::regex_search(claim_id, m, *pattern_) || !m[1].matched || m[1].length() == 0) return false;
  out = m[1].str();
  return true;
}

void http_target::describe(const item& it, json::writer& w) const {
  http::request req;
  std::string why;
  if (!build(it, req, why)) {
    w.key("problem");
    w.string(why);
    return;
  }
  w.key("request");
  w.begin_object();
  w.key("method");
  w.string(req.method);
  w.key("url");
  w.string(req.url);
  w.key("body");
  w.string(req.body);
  w.end_object();
}

void http_target::push(std::vector<item*>& batch, journal::journal& j, stop_reason& stop) {
  const std::string jname = journal_name();
  http::retry_policy policy;
  policy.max_attempts = opts_.max_attempts;
  policy.base_delay = opts_.base_delay;
  policy.max_delay = opts_.max_delay;
  std::mt19937_64 rng{std::random_device{}()};
  // One breaker per batch: a run of failures this long means the target is
  // down, not that some records are bad.
  http::circuit_breaker breaker(policy.breaker_threshold);
  std::vector<job_state> jobs(batch.size());
  for (std::size_t i = 0; i < batch.size(); ++i) jobs[i].it = batch[i];
  std::size_t next = 0;
  int active = 0;
  bool filling = false;
  // Done and failed marks wait for the next commit of intents (or the end of
  // the batch): one fsync per request instead of two. A crash in between
  // only makes a confirmed record look maybe-sent, never the reverse.
  std::vector<journal::journal::entry> marks;
  auto flush_marks = [&]() {
    j.mark_all(jname, marks);
    marks.clear();
  };

  auto halt = [&](std::string message) {
    if (!stop.stopped) {
      stop.stopped = true;
      stop.exit_code = cli::to_int(cli::exit_code::remote);
      stop.message = std::move(message);
    }
    client_->cancel_queued();
  };

  std::function<void()> fill;
  std::function<void(job_state&, http::request, http::clock::time_point)> submit;

  auto finish = [&](job_state& js) {
    js.finished = true;
    --active;
    if (!filling) fill();
  };

  // The record was certainly not applied (or may have been, on a target that
  // dedupes, in which case a rerun resends it safely): it ends as failed.
  auto fail = [&](job_state& js, std::string kind, std::string message, long status) {
    item& it = *js.it;
    it.outcome = result::failed;
    it.kind = std::move(kind);
    it.message = std::move(message);
    if (js.intent && !js.maybe_sent) marks.push_back({it.key, journal::state::failed, static_cast<int>(status)});
    finish(js);
  };

  // Builds the request with credentials; false when the record ended.
  auto prepare = [&](job_state& js, http::request& req) {
    std::string why;
    if (!build(*js.it, req, why)) {
      fail(js, "unaddressable", why, 0);
      return false;
    }
    try {
      authorize(req);
    } catch (const error& e) {
      halt(e.what());
      fail(js, "auth_refused", std::string("not sent: ") + e.what(), 0);
      return false;
    }
    if (!dedupes()) {
      // libcurl silently resends a request whose reused connection dies
      // before an answer; for a note API that makes a second note. A fresh
      // connection per request leaves every resend decision to us.
      req.set_header("Connection", "close");
    }
    return true;
  };

  // The request may have reached the target and its answer is not clear:
  // the intent stays in the journal, and the record is unknown (never sent
  // again by itself; --resend-unknown after a look at the target).
  auto may_have_applied = [&](job_state& js, const std::string& why) {
    js.maybe_sent = true;
    item& it = *js.it;
    it.outcome = result::unknown;
    it.kind = "push_unknown";
    it.message = why + "; it may have been applied: check the target, then use --resend-unknown";
    finish(js);
  };

  auto on_done = [&](job_state& js, const http::request& sent, const http::result& r) {
    item& it = *js.it;
    if (r.fail == http::failure::refused && r.error == "cancelled") {
      fail(js, "target_unavailable", "not sent: " + stop.message, 0);
      return;
    }
    ++js.attempts;
    it.attempts = js.attempts;
    if (r.resp.status > 0) it.http_status = r.resp.status;
    switch (http::classify(r)) {
      case http::verdict::success: {
        breaker.record_success();
        std::string gist;
        body_says says = judge(r.resp, gist);
        if (says == body_says::refused) {
          fail(js, "target_refused", std::move(gist), r.resp.status);
          return;
        }
        if (says == body_says::unclear) {
          // Neither a confirmation nor a refusal: the intent stays in the
          // journal, and a rerun reports the record unknown.
          may_have_applied(js, gist);
          return;
        }
        marks.push_back({it.key, journal::state::done, static_cast<int>(r.resp.status)});
        it.outcome = replayed(r.resp) ? result::duplicate : result::applied;
        if (it.outcome == result::duplicate) it.message = "target had it already (same key)";
        finish(js);
        return;
      }
      case http::verdict::unauthorized: {
        bool again = false;
        if (!js.refreshed && !stop.stopped) {
          js.refreshed = true;
          try {
            again = refresh(sent);
          } catch (const error&) {
            again = false;
          }
        }
        http::request req;
        if (again && prepare(js, req)) {
          submit(js, std::move(req), {});
          return;
        }
        if (again) return;  // prepare ended the record
        halt("authorization refused by the target (http 401)");
        fail(js, "auth_refused", "authorization refused by the target (http 401)", r.resp.status);
        return;
      }
      case http::verdict::fail: {
        if (r.fail == http::failure::too_large) {
          // The request arrived and its answer was cut off: it may have been applied.
          std::string why = fmt::format("target unreachable: {}", http::describe(r));
          halt(why);
          if (dedupes()) {
            fail(js, "target_unavailable", why, r.resp.status);
            return;
          }
          may_have_applied(js, why);
          return;
        }
        if (r.fail == http::failure::tls || r.fail == http::failure::refused || r.fail == http::failure::other) {
          std::string why = fmt::format("target unreachable: {}", describe_failure(r));
          halt(why);
          fail(js, "target_unavailable", why, 0);
          return;
        }
        breaker.record_success();  // the target answered: it is up
        fail(js, "target_refused", fmt::format("target refused the record (http {})", r.resp.status), r.resp.status);
        return;
      }
      case http::verdict::retry: break;
    }
    breaker.record_failure();
    bool ambiguous = r.fail == http::failure::dropped || r.fail == http::failure::timeout;
    if (ambiguous) js.maybe_sent = true;
    if (ambiguous && !dedupes()) {
      if (breaker.open()) halt(fmt::format("target unreachable: {} failed attempts in a row", breaker.consecutive()));
      may_have_applied(js, fmt::format("no answer after the request was sent ({})", describe_failure(r)));
      return;
    }
    if (breaker.open()) {
      std::string why = fmt::format("target unreachable: {} failed attempts in a row", breaker.consecutive());
      halt(why);
      fail(js, "target_unavailable", fmt::format("{} (last: {})", why, describe_failure(r)), r.resp.status);
      return;
    }
    if (stop.stopped) {
      fail(js, "target_unavailable", "not sent again: " + stop.message, r.resp.status);
      return;
    }
    http::retry_step step = http::next_retry(r, js.attempts, policy, rng);
    if (!step.again) {
      fail(js, "retries_exhausted", step.reason, r.resp.status);
      return;
    }
    auto delay = step.delay;
    http::request req;
    if (prepare(js, req)) submit(js, std::move(req), http::clock::now() + delay);
  };

  submit = [&](job_state& js, http::request req, http::clock::time_point not_before) {
    auto sent = std::make_shared<http::request>(req);
    client_->submit(
        std::move(req), [&on_done, &js, sent](http::result r) { on_done(js, *sent, r); }, not_before);
  };

  // Records whose intent is durable and whose request is built, waiting
  // for a free slot (targets that dedupe only).
  std::deque<std::pair<job_state*, http::request>> ready;
  const bool ahead = dedupes();

  // A target that dedupes takes a resend of a maybe-sent record as a no-op,
  // so its intents are committed a window ahead of the sends: many records
  // per fsync instead of one (webhook, --jobs 8, loopback sink: ~125 records/s
  // with a commit per request, ~2,500/s with the window on a busy 2-core
  // machine; scripts/bench-push-inbox).
  // A kill leaves at most a window of intents for records never sent, which
  // the next run resends. A target that cannot dedupe keeps the window at
  // the requests in flight: its maybe-sent records come back unknown.
  auto commit_ahead = [&]() {
    auto t0 = std::chrono::steady_clock::now();
    while (!stop.stopped && next < jobs.size() && ready.size() < window_) {
      job_state& js = jobs[next++];
      http::request req;
      ++active;  // prepare ends a record it cannot send through finish()
      if (!prepare(js, req)) continue;
      --active;
      marks.push_back({js.it->key, journal::state::intent, 0});
      js.intent = true;
      ready.emplace_back(&js, std::move(req));
    }
    flush_marks();
    // Grow the window while the commit is a fair share of the time between
    // commits, shrink it when it is not: the window stays about what the
    // target takes in one fsync's time (fewer never-sent intents on a kill).
    auto t1 = std::chrono::steady_clock::now();
    auto commit = t1 - t0, between = t0 - last_commit_;
    std::size_t floor = static_cast<std::size_t>(opts_.jobs);
    if (commit * 8 > between) {
      window_ = std::min(window_ * 2, kMaxWindow);
    } else if (commit * 32 < between) {
      window_ = std::max(window_ / 2, floor);
    }
    last_commit_ = t1;
  };

  fill = [&]() {
    filling = true;
    std::vector<std::pair<job_state*, http::request>> starting;
    if (ahead) {
      if (ready.empty() && active < opts_.jobs) commit_ahead();
      while (!stop.stopped && active < opts_.jobs && !ready.empty()) {
        ++active;
        starting.push_back(std::move(ready.front()));
        ready.pop_front();
      }
    } else {
      while (!stop.stopped && active < opts_.jobs && next < jobs.size()) {
        job_state& js = jobs[next++];
        ++active;
        http::request req;
        if (!prepare(js, req)) continue;
        marks.push_back({js.it->key, journal::state::intent, 0});
        js.intent = true;
        starting.emplace_back(&js, std::move(req));
      }
      // Durable before any of these requests can leave: after a crash the
      // journal shows them as maybe sent.
      flush_marks();
    }
    filling = false;
    for (auto& [js, req] : starting) submit(*js, std::move(req), {});
  };

  if (window_ == 0) window_ = static_cast<std::size_t>(opts_.jobs);
  fill();
  client_->run();
  // Committed ahead and never sent (the run stopped): certainly not applied.
  for (auto& [js, req] : ready) marks.push_back({js->it->key, journal::state::failed, 0});
  flush_marks();
  for (job_state& js : jobs) {
    if (!js.finished && js.it->outcome == result::pending && stop.stopped) {
      js.it->outcome = result::failed;
      js.it->kind = "target_unavailable";
      js.it->message = "not sent: " + stop.message;
    }
  }
}

}  // namespace claimkit::push
