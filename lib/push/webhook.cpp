#include <fmt/format.h>

#include "core/error.hpp"
#include "json/writer.hpp"
#include "push/http_target.hpp"

namespace claimkit::push {
namespace {

/// http:URL: one JSON POST per record with an Idempotency-Key header, so the
/// receiver can drop a resend; maybe-sent records are therefore retried.
class webhook_target : public http_target {
 public:
  webhook_target(const options& o, std::string url) : http_target(o.http), url_(std::move(url)) {
    http::check_url(url_, "--to");
  }

  std::string_view kind() const override { return "http"; }
  std::string identity() const override { return "http:" + url_; }
  std::string journal_name() const override { return "http:" + url_; }
  bool dedupes() const override { return true; }
  // The body is the record itself, so an ack or batch status travels like
  // any other.
  bool takes_events() const override { return true; }

  void open() override {
    make_client();
    token_ = creds_.get("CLAIMKIT_WEBHOOK_TOKEN", "webhook", "token").value_or("");
  }

 protected:
  bool build(const item& it, http::request& req, std::string&) const override {
    const claim_status& s = it.status;
    std::string body;
    json::writer w(body);
    w.begin_object();
    w.key("type");
    w.string("claim_status_push");
    w.key("key");
    w.string(it.key);
    if (s.is_event()) w.field("subject", s.type);
    w.field("claim_id", s.claim_id);
    w.field("state", s.state);
    w.field("action", s.action);
    w.field("queue", s.queue);
    w.field("note", it.note);
    w.key("record");
    w.raw(s.record);
    w.end_object();
    req.method = "POST";
    req.url = url_;
    req.set_json(std::move(body));
    req.set_header("Idempotency-Key", it.key);
    return true;
  }
  void authorize(http::request& req) override {
    if (!token_.empty()) req.set_header("Authorization", "Bearer " + token_);
  }
  bool replayed(const http::response& r) const override {
    std::string_view v = r.header_value("Idempotent-Replayed");
    return v == "true" || v == "1";
  }

 private:
  std::string url_;
  std::string token_;
};

}  // namespace

std::unique_ptr<target> make_webhook_target(const options& o, std::string url) {
  return std::make_unique<webhook_target>(o, std::move(url));
}

}  // namespace claimkit::push
