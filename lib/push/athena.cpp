#include <fmt/format.h>
#include <simdjson.h>

#include "core/error.hpp"
#include "http/escape.hpp"
#include "push/http_target.hpp"

namespace claimkit::push {
namespace {

constexpr std::string_view kAthenaProduction = "https://api.platform.athenahealth.com";
constexpr std::string_view kAthenaScope = "athena/service/Athenanet.MDP.*";
// The form field of POST /claims/{claimid}/note in athenahealth's claim-note
// reference; a practice on another API version may name it otherwise.
constexpr std::string_view kNoteField = "claimnote";

// A form field name: letters, digits and underscores, as athenahealth's are.
bool field_name_ok(std::string_view v) {
  if (v.empty() || v.size() > 64) return false;
  for (char c : v) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

/// athenaOne: one claim note per record, POST {base}/v1/{practiceid}/claims/
/// {claimid}/note with form field claimnote, OAuth2 client credentials (HTTP
/// Basic at {base}/oauth2/v1/token). The answer is 200 with `success` true,
/// or `success` false and an `errormessage`. Notes cannot be deduplicated by
/// the API, so a maybe-sent note is never sent again without --resend-unknown.
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
    cfg.token_url = token_url_;
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
    req.url =
        fmt::format("{}/v1/{}/claims/{}/note", base_, http::percent_encode(practice_), http::percent_encode(claimid));
    req.set_form({{note_field_, it.note}});
    return true;
  }
  void authorize(http::request& req) override { tokens_->authorize(req); }
  bool refresh(const http::request& sent) override { return tokens_->unauthorized(sent); }

  // athenaOne answers a note it did not add with 200 as well. Its
  // errormessage may name the claim or patient, so only fixed words are kept.
  body_says judge(const http::response& r, std::string& gist) const override {
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    simdjson::padded_string body(r.body);
    simdjson::dom::object obj;
    if (parser.parse(body).get(doc) != simdjson::SUCCESS || doc.get_object().get(obj) != simdjson::SUCCESS) {
      gist = fmt::format("athenaOne answered http {} without the documented JSON object", r.status);
      return body_says::unclear;
    }
    // Any errormessage but an empty string or null counts, whatever its type.
    // A second success member makes the answer ambiguous: neither is trusted.
    bool has_message = false;
    int successes = 0;
    int said = -1;  // -1 absent or neither, 0 false, 1 true
    for (auto field : obj) {
      if (field.key == "errormessage") {
        std::string_view message;
        if (!field.value.is_null() &&
            !(field.value.get_string().get(message) == simdjson::SUCCESS && message.empty())) {
          has_message = true;
        }
      } else if (field.key == "success") {
        ++successes;
        bool b = false;
        std::string_view sv;
        said = -1;
        if (field.value.get_bool().get(b) == simdjson::SUCCESS) {
          said = b ? 1 : 0;
        } else if (field.value.get_string().get(sv) == simdjson::SUCCESS) {
          if (sv == "true") said = 1;
          if (sv == "false") said = 0;
        }
      }
    }
    if (successes > 1) {
      gist = "athenaOne answered with success twice";
      return body_says::unclear;
    }
    if (said == 0) {
      gist = has_message ? "athenaOne did not add the note (success false, with an errormessage)"
                         : "athenaOne did not add the note (success false)";
      return body_says::refused;
    }
    if (has_message) {
      gist = "athenaOne answered with an errormessage; the note is not counted as added";
      return body_says::refused;
    }
    if (said == 1) return body_says::applied;
    gist = fmt::format("athenaOne answered http {} without success true", r.status);
    return body_says::unclear;
  }

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
    token_url_ = opts_.token_url;
    if (token_url_.empty()) token_url_ = base_ + "/oauth2/v1/token";
    http::check_url(token_url_, "--token-url");
    note_field_ = creds_.get("CLAIMKIT_ATHENA_NOTE_FIELD", "athena", "note_field").value_or(std::string(kNoteField));
    if (!field_name_ok(note_field_)) {
      throw error(cli::exit_code::usage, "athena note_field: expected a form field name (letters, digits, _)");
    }
  }

  std::string base_, practice_, token_url_, note_field_;
  std::unique_ptr<auth::oauth2_client_credentials> tokens_;
};

}  // namespace

std::unique_ptr<target> make_athena_target(const options& o) {
  auto t = std::make_unique<athena_target>(o);
  return t;
}

}  // namespace claimkit::push
