#include <fmt/format.h>

#include "core/error.hpp"
#include "push/http_target.hpp"

namespace claimkit::push {
namespace {

constexpr std::string_view kAthenaProduction = "https://api.platform.athenahealth.com";
constexpr std::string_view kAthenaScope = "athena/service/Athenanet.MDP.*";

std::string trim_slash(std::string s) {
  while (!s.empty() && s.back() == '/') s.pop_back();
  return s;
}

/// athenaOne: one claim note per record, POST {base}/v1/{practiceid}/claims/
/// {claimid}/note with form field notetext, OAuth2 client credentials (HTTP
/// Basic at {base}/oauth2/v1/token). Notes cannot be deduplicated by the API,
/// so a maybe-sent note is never sent again without --resend-unknown.
class athena_target : public http_target {
 public:
  explicit athena_target(const options& o) : http_target(o.http) { resolve(); }

  std::string_view kind() const override { return "athena"; }
  std::string identity() const override { return "athena:" + practice_; }
  std::string journal_name() const override { return "athena:" + base_ + "/v1/" + practice_; }
  bool dedupes() const override { return false; }

  void open() override {
    make_client();
    auth::oauth2_config cfg;
    cfg.token_url = base_ + "/oauth2/v1/token";
    cfg.client_id = creds_.require("CLAIMKIT_ATHENA_CLIENT_ID", "athena", "client_id");
    cfg.client_secret = creds_.require("CLAIMKIT_ATHENA_CLIENT_SECRET", "athena", "client_secret");
    cfg.scope = std::string(kAthenaScope);
    cfg.style = auth::oauth2_config::client_auth::basic;
    http::client* c = &client();
    http::retry_policy p;
    p.max_attempts = opts_.max_attempts;
    p.base_delay = opts_.base_delay;
    p.max_delay = opts_.max_delay;
    tokens_ = std::make_unique<auth::oauth2_client_credentials>(
        cfg, [c](const http::request& r) { return c->perform(r); }, p);
    tokens_->token();  // refused credentials stop the run before any record is sent
  }

 protected:
  bool build(const item& it, http::request& req, std::string& why) const override {
    std::string claimid;
    if (!map_claim_id(it.status.claim_id, claimid)) {
      why = "claim_id does not match --claim-pattern";
      return false;
    }
    req.method = "POST";
    req.url = fmt::format("{}/v1/{}/claims/{}/note", base_, path_segment(practice_), path_segment(claimid));
    req.set_form({{"notetext", it.note}});
    return true;
  }
  void authorize(http::request& req) override { tokens_->authorize(req); }
  bool refresh(const http::request& sent) override { return tokens_->unauthorized(sent); }

 private:
  void resolve() {
    base_ = opts_.base_url;
    if (base_.empty()) base_ = creds_.get("CLAIMKIT_ATHENA_BASE_URL", "athena", "base_url").value_or("");
    if (base_.empty()) base_ = std::string(kAthenaProduction);
    base_ = trim_slash(base_);
    http::check_url(base_, "--base-url");
    practice_ = opts_.practice_id;
    if (practice_.empty()) practice_ = creds_.get("CLAIMKIT_ATHENA_PRACTICE_ID", "athena", "practice_id").value_or("");
    if (practice_.empty()) throw error(cli::exit_code::usage, "--to athena needs --practice-id");
  }

  std::string base_, practice_;
  std::unique_ptr<auth::oauth2_client_credentials> tokens_;
};

}  // namespace

std::unique_ptr<target> make_athena_target(const options& o) {
  auto t = std::make_unique<athena_target>(o);
  return t;
}

}  // namespace claimkit::push
