#include <fmt/format.h>

#include "core/error.hpp"
#include "http/escape.hpp"
#include "json/writer.hpp"
#include "push/http_target.hpp"

namespace claimkit::push {
namespace {

// NextGen's Enterprise API GSA authentication guide: the API base and the
// GSA /token endpoint of production.
constexpr std::string_view kNextgenBase = "https://nativeapi.nextgen.com/nge/prod/nge-api/api";
constexpr std::string_view kNextgenToken = "https://nativeapi.nextgen.com/nge/prod/nge-oauth/token";

std::string expand(std::string_view tmpl, std::string_view claimid, std::string_view practice,
                   std::string_view enterprise) {
  std::string out;
  for (std::size_t i = 0; i < tmpl.size();) {
    auto take = [&](std::string_view name, std::string_view value) {
      if (tmpl.substr(i, name.size()) != name) return false;
      out += http::percent_encode(value);
      i += name.size();
      return true;
    };
    if (take("{claimid}", claimid) || take("{practiceid}", practice) || take("{enterpriseid}", enterprise)) continue;
    out.push_back(tmpl[i++]);
  }
  return out;
}

/// NextGen Enterprise API: client-credentials token with the site id (the
/// installation), then PUT {base}/users/me/login-defaults with the enterprise
/// and practice ids; the answer's x-ng-sessionid header goes on every
/// request. The claim-note route is not public, so its path (--note-path) and
/// the JSON field of the note text (note_field) are required settings. Notes
/// cannot be deduplicated, as with athena.
class nextgen_target : public http_target {
 public:
  explicit nextgen_target(const options& o) : http_target(o.http) {
    base_ = opts_.base_url;
    if (base_.empty()) base_ = creds_.get("CLAIMKIT_NEXTGEN_BASE_URL", "nextgen", "base_url").value_or("");
    if (base_.empty()) base_ = std::string(kNextgenBase);
    base_ = trim_slash(base_);
    http::check_url(base_, "--base-url");
    token_url_ = opts_.token_url;
    if (token_url_.empty()) token_url_ = creds_.get("CLAIMKIT_NEXTGEN_TOKEN_URL", "nextgen", "token_url").value_or("");
    if (token_url_.empty()) token_url_ = std::string(kNextgenToken);
    http::check_url(token_url_, "--token-url");
    site_ = opts_.site_id;
    if (site_.empty()) site_ = creds_.get("CLAIMKIT_NEXTGEN_SITE_ID", "nextgen", "site_id").value_or("");
    if (site_.empty()) throw error(cli::exit_code::usage, "--to nextgen needs --site-id (the NextGen installation)");
    enterprise_ = opts_.enterprise_id;
    if (enterprise_.empty())
      enterprise_ = creds_.get("CLAIMKIT_NEXTGEN_ENTERPRISE_ID", "nextgen", "enterprise_id").value_or("");
    practice_ = opts_.practice_id;
    if (practice_.empty())
      practice_ = creds_.get("CLAIMKIT_NEXTGEN_PRACTICE_ID", "nextgen", "practice_id").value_or("");
    if (enterprise_.empty() || practice_.empty()) {
      throw error(cli::exit_code::usage, "--to nextgen needs --enterprise-id and --practice-id");
    }
    note_path_ = opts_.note_path;
    if (note_path_.empty()) note_path_ = creds_.get("CLAIMKIT_NEXTGEN_NOTE_PATH", "nextgen", "note_path").value_or("");
    if (note_path_.empty() || note_path_.find("{claimid}") == std::string::npos) {
      throw error(cli::exit_code::usage, "--to nextgen needs --note-path with {claimid}");
    }
    if (note_path_.front() != '/') note_path_.insert(0, "/");
    note_field_ = creds_.get("CLAIMKIT_NEXTGEN_NOTE_FIELD", "nextgen", "note_field").value_or("");
    if (note_field_.empty()) {
      throw error(
          cli::exit_code::usage,
          "--to nextgen needs the note's JSON field name (CLAIMKIT_NEXTGEN_NOTE_FIELD or [nextgen] note_field)");
    }
  }

  std::string_view kind() const override { return "nextgen"; }
  std::string identity() const override { return "nextgen:" + site_ + ":" + enterprise_ + ":" + practice_; }
  std::string journal_name() const override {
    return "nextgen:" + base_ + ":" + site_ + ":" + enterprise_ + ":" + practice_;
  }
  bool dedupes() const override { return false; }

  void open() override {
    make_client();
    auth::oauth2_config cfg;
    cfg.token_url = token_url_;
    cfg.client_id = creds_.require("CLAIMKIT_NEXTGEN_CLIENT_ID", "nextgen", "client_id");
    cfg.client_secret = creds_.require("CLAIMKIT_NEXTGEN_CLIENT_SECRET", "nextgen", "client_secret");
    cfg.extra_form = {{"site_id", site_}};
    http::client* c = &client();
    http::retry_policy p;
    p.max_attempts = opts_.max_attempts;
    p.base_delay = opts_.base_delay;
    p.max_delay = opts_.max_delay;
    tokens_ = std::make_unique<auth::oauth2_client_credentials>(
        cfg, [c](const http::request& r) { return c->perform(r); }, p);
    login();
  }

 protected:
  bool build(const item& it, http::request& req, std::string& why) const override {
    std::string claimid;
    if (!map_claim_id(it.status.claim_id, claimid)) {
      why = "claim_id does not match --claim-pattern";
      return false;
    }
    std::string body;
    json::writer w(body);
    w.begin_object();
    w.key(note_field_);
    w.string(it.note);
    w.end_object();
    req.method = "POST";
    req.url = base_ + expand(note_path_, claimid, practice_, enterprise_);
    req.set_json(std::move(body));
    return true;
  }
  void authorize(http::request& req) override {
    tokens_->authorize(req);
    req.set_header("x-ng-sessionid", session_);
  }
  bool refresh(const http::request& sent) override {
    if (!tokens_->unauthorized(sent)) return false;
    login();
    return true;
  }

 private:
  // The session names the enterprise and practice every later call acts in.
  void login() {
    http::request req;
    req.method = "PUT";
    req.url = base_ + "/users/me/login-defaults";
    std::string body;
    json::writer w(body);
    w.begin_object();
    w.key("enterpriseId");
    w.string(enterprise_);
    w.key("practiceId");
    w.string(practice_);
    w.end_object();
    req.set_json(std::move(body));
    tokens_->authorize(req);
    http::result r = client().perform(req);
    if (!r.ok()) {
      throw error(cli::exit_code::remote,
                  r.fail == http::failure::none
                      ? fmt::format("nextgen login-defaults refused (http {})", r.resp.status)
                      : fmt::format("nextgen login-defaults failed: {}", http::failure_name(r.fail)));
    }
    session_ = std::string(r.resp.header_value("x-ng-sessionid"));
    if (session_.empty()) throw error(cli::exit_code::remote, "nextgen login-defaults answer has no x-ng-sessionid");
  }

  std::string base_, token_url_, site_, enterprise_, practice_, note_path_, note_field_, session_;
  std::unique_ptr<auth::oauth2_client_credentials> tokens_;
};

}  // namespace

std::unique_ptr<target> make_nextgen_target(const options& o) { return std::make_unique<nextgen_target>(o); }

}  // namespace claimkit::push
