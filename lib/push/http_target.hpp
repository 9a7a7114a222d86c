#pragma once

#include <chrono>
#include <memory>
#include <random>
#include <regex>
#include <string>

#include "auth/credentials.hpp"
#include "auth/oauth2.hpp"
#include "http/client.hpp"
#include "http/retry.hpp"
#include "push/runner.hpp"
#include "push/target.hpp"

namespace claimkit::push {

/// Delivery over HTTP, one request per record, at most --jobs in flight.
///
/// Retries use the shared layer's classification, full-jitter backoff,
/// Retry-After and circuit breaker, with one difference the shared
/// dispatcher cannot make: a request that may have reached the target (the
/// connection dropped or timed out after it was sent) is retried only when
/// the target dedupes. For a PM note API that cannot, the record ends as
/// `unknown` instead of risking a second note.
class http_target : public target {
 public:
  explicit http_target(const http_options& o);
  ~http_target() override;
  void push(std::vector<item*>& batch, journal::journal& j, stop_reason& stop) override;
  void describe(const item& it, json::writer& w) const override;

 protected:
  /// Builds the request for it, without credentials. Returns false and sets
  /// why when the record cannot be addressed (e.g. claim id not mapped).
  virtual bool build(const item& it, http::request& req, std::string& why) const = 0;
  /// Puts credentials on req; claimkit::error (remote) when there are none.
  virtual void authorize(http::request& req) { (void)req; }
  /// After a 401: true when fresh credentials are in place (once per record).
  virtual bool refresh(const http::request& sent) {
    (void)sent;
    return false;
  }
  /// True when a 2xx answer says the target had already applied the key.
  virtual bool replayed(const http::response& r) const {
    (void)r;
    return false;
  }
  /// What a 2xx answer's body says about the write. Most targets refuse with
  /// a 4xx; athenaOne may answer 200 with `success` false. `gist` is set for
  /// refused and unclear, from fixed words only (the body may carry PHI).
  enum class body_says { applied, refused, unclear };
  virtual body_says judge(const http::response& r, std::string& gist) const {
    (void)r;
    (void)gist;
    return body_says::applied;
  }

  void make_client();
  http::client& client() { return *client_; }
  /// Maps a record's claim_id to the PM system's claim id (--claim-pattern).
  bool map_claim_id(const std::string& claim_id, std::string& out) const;

  http_options opts_;
  std::unique_ptr<http::client> client_;
  auth::credential_source creds_;
  std::unique_ptr<std::regex> pattern_;

 private:
  // Intents committed ahead of the sends (targets that dedupe), adapted
  // between runs of push() to the target's speed against the fsync's.
  static constexpr std::size_t kMaxWindow = 1024;
  std::size_t window_ = 0;
  std::chrono::steady_clock::time_point last_commit_{};
};

/// A base URL without its trailing slashes.
std::string trim_slash(std::string s);

std::unique_ptr<target> make_athena_target(const options& o);
std::unique_ptr<target> make_nextgen_target(const options& o);
std::unique_ptr<target> make_webhook_target(const options& o, std::string url);

}  // namespace claimkit::push
