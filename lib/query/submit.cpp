#include "query/submit.hpp"

#include <unistd.h>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <deque>
#include <memory>
#include <optional>

#include <fmt/format.h>

#include "auth/credentials.hpp"
#include "auth/oauth2.hpp"
#include "cli/config.hpp"
#include "core/error.hpp"
#include "csv/input.hpp"
#include "dates/civil.hpp"
#include "http/client.hpp"
#include "http/retry.hpp"
#include "io/output.hpp"
#include "json/writer.hpp"
#include "ndjson/value.hpp"
#include "status/vendor.hpp"
#include "x12/values.hpp"

namespace claimkit::query {
namespace {

// A validated JSON object seen through its raw members.
class object_view {
 public:
  object_view() = default;
  explicit object_view(std::string_view text) { ndjson::members_of(text, members_); }
  static std::optional<object_view> of(const ndjson::member* m) {
    if (m == nullptr || m->kind != ndjson::kind::object) return std::nullopt;
    return object_view(m->value);
  }
  const ndjson::member* get(std::string_view key) const { return ndjson::find(members_, key); }
  /// Decoded string value; empty when absent or not a string.
  std::string str(std::string_view key) const {
    const ndjson::member* m = get(key);
    if (m == nullptr || m->kind != ndjson::kind::string) return {};
    std::string out;
    ndjson::unescape(m->value.substr(1, m->value.size() - 2), out);
    return out;
  }
  /// A decimal as raw JSON number text, or the inside of a string holding one.
  std::string amount(std::string_view key) const {
    const ndjson::member* m = get(key);
    if (m == nullptr) return {};
    if (m->kind == ndjson::kind::number) return std::string(m->value);
    return str(key);
  }
  std::optional<object_view> object(std::string_view key) const { return of(get(key)); }

 private:
  std::vector<ndjson::member> members_;
};

bool is_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// The clearinghouse turns the JSON into X12: these characters would be
// delimiters there (Stedi refuses them with a 400).
void check_chars(std::string_view v, std::string_view field) {
  if (v.find_first_of("~*:^") != std::string_view::npos) {
    throw claim_problem{"bad_character", fmt::format("{} contains an X12 delimiter character (~ * : ^)", field)};
  }
}

// A text field within the published length limits.
std::string text(std::string v, std::string_view field, std::size_t min, std::size_t max) {
  check_chars(v, field);
  if (v.size() < min || v.size() > max) {
    throw claim_problem{"field_length",
                        fmt::format("{} must be {} to {} characters (the API's limit)", field, min, max)};
  }
  return v;
}

std::string need(std::string v, std::string_view field, std::size_t min, std::size_t max) {
  if (v.empty()) throw claim_problem{"missing_field", fmt::format("missing {}", field)};
  return text(std::move(v), field, min, max);
}

std::string need_date(const std::string& v, std::string_view field) {
  if (v.empty()) throw claim_problem{"missing_field", fmt::format("missing {}", field)};
  std::string d = dates::iso_to_d8(v);  // CCYYMMDD, the format both schemas give
  if (d.empty()) throw claim_problem{"bad_date", fmt::format("{} is not a YYYY-MM-DD date", field)};
  return d;
}

// The subscriber's birth date is needed only when the subscriber is the
// patient; a dependent's always (Stedi: "you must submit").
void write_person(json::writer& w, const object_view& p, std::string_view prefix, bool with_member_id,
                  bool dob_required) {
  w.begin_object();
  if (with_member_id) {
    w.key("memberId");
    w.string(need(p.str("member_id"), fmt::format("{}.member_id", prefix), 2, 80));
  }
  w.key("firstName");
  w.string(need(p.str("first_name"), fmt::format("{}.first_name", prefix), 1, 35));
  w.key("lastName");
  w.string(need(p.str("last_name"), fmt::format("{}.last_name", prefix), 1, 60));
  std::string dob = p.str("dob");
  if (dob_required || !dob.empty()) {
    w.key("dateOfBirth");
    w.string(need_date(dob, fmt::format("{}.dob", prefix)));
  }
  // Unknown (U) is left out, as Stedi asks; its schema allows only M and F.
  std::string g = p.str("gender");
  if (g == "M" || g == "F") {
    w.key("gender");
    w.string(g);
  } else if (!g.empty() && g != "U") {
    throw claim_problem{"bad_field", fmt::format("{}.gender must be M, F or U", prefix)};
  }
  if (with_member_id) {
    std::string grp = p.str("group_number");
    if (!grp.empty()) {
      w.key("groupNumber");
      w.string(text(grp, fmt::format("{}.group_number", prefix), 1, 50));
    }
  }
  w.end_object();
}

}  // namespace

std::string_view api_name(api_flavour a) { return a == api_flavour::optum ? "optum" : "stedi"; }

std::string build_request(const ndjson::record& rec, std::string_view control_number) {
  object_view claim(rec.text);
  std::string claim_id = need(claim.str("claim_id"), "claim_id", 1, 50);
  std::string payer_id = need(claim.str("payer_id"), "payer_id", 2, 80);
  auto provider = claim.object("provider");
  if (!provider) throw claim_problem{"missing_field", "missing provider"};
  std::string npi = provider->str("npi");
  std::string tax_id = provider->str("tax_id");
  if (npi.empty() && tax_id.empty()) throw claim_problem{"missing_field", "missing provider.npi (or provider.tax_id)"};
  if (!npi.empty() && (npi.size() != 10 || !is_digits(npi))) {
    throw claim_problem{"bad_npi", "provider.npi is not 10 digits"};
  }
  // The check digit: Luhn with the 80840 prefix (45 CFR 162.406).
  if (!npi.empty() && !x12::valid_npi(npi)) {
    throw claim_problem{"bad_npi", "provider.npi fails the NPI check digit"};
  }
  if (!tax_id.empty()) {
    // An EIN is often written NN-NNNNNNN; the APIs take the nine digits.
    if (tax_id.size() == 10 && tax_id[2] == '-') tax_id.erase(2, 1);
    if (tax_id.size() != 9 || !is_digits(tax_id)) throw claim_problem{"bad_field", "provider.tax_id is not 9 digits"};
  }
  auto subscriber = claim.object("subscriber");
  if (!subscriber) throw claim_problem{"missing_field", "missing subscriber"};
  auto patient = claim.object("patient");
  std::string from = need_date(claim.str("service_from"), "service_from");
  std::string to_text = claim.str("service_to");
  std::string to = to_text.empty() ? from : need_date(to_text, "service_to");
  if (to < from) throw claim_problem{"bad_date", "service_to is before service_from"};

  std::string out;
  json::writer w(out);
  w.begin_object();
  w.key("controlNumber");
  w.string(control_number);
  w.key("tradingPartnerServiceId");
  w.string(payer_id);
  w.key("providers");
  w.begin_array();
  w.begin_object();
  std::string name = provider->str("name");
  if (!name.empty()) {
    w.key("organizationName");
    w.string(text(name, "provider.name", 1, 60));
  }
  w.field("npi", npi);
  w.field("taxId", tax_id);
  w.key("providerType");
  w.string("BillingProvider");
  w.end_object();
  w.end_array();
  w.key("subscriber");
  write_person(w, *subscriber, "subscriber", true, !patient);
  if (patient) {
    w.key("dependent");
    write_person(w, *patient, "patient", false, true);
  }
  w.key("encounter");
  w.begin_object();
  w.key("beginningDateOfService");
  w.string(from);
  w.key("endDateOfService");
  w.string(to);
  w.key("trackingNumber");
  w.string(claim_id);
  std::string payer_claim_id = claim.str("payer_claim_id");
  if (!payer_claim_id.empty()) {
    w.key("tradingPartnerClaimNumber");
    w.string(text(payer_claim_id, "payer_claim_id", 1, 50));
  }
  std::string account = claim.str("patient_account_number");
  if (!account.empty()) {
    w.key("patientAccountNumber");
    w.string(text(account, "patient_account_number", 1, 50));
  }
  std::string billed = claim.amount("billed_amount");
  if (!billed.empty()) {
    if (!json::is_plain_decimal(billed)) throw claim_problem{"bad_amount", "billed_amount is not a decimal amount"};
    if (billed.size() > 18)
      throw claim_problem{"field_length", "billed_amount must be at most 18 characters (the API's limit)"};
    w.key("submittedAmount");
    w.string(billed);
  }
  w.end_object();
  w.end_object();
  return out;
}

answer_result read_answer(long http_status, std::string_view body, const status::vendor_request& req,
                          std::string& out) {
  answer_result a;
  const bool ok = http_status >= 200 && http_status < 300;
  std::vector<ndjson::member> top;
  ndjson::parse_error err;
  if (!ndjson::parse_object(body, top, err)) {
    a.failed = true;
    a.kind = ok ? "bad_response" : "api_rejected";
    a.message =
        ok ? "the api answer is not a JSON object" : fmt::format("the api refused the request: HTTP {}", http_status);
    return a;
  }
  status::vendor_errors errs = status::answer_errors(top);
  auto claims = status::convert_answer(top, req);
  std::size_t unmatched = 0, unnamed = 0;
  for (const auto& c : claims) {
    if (!c.has_id) {
      ++unnamed;
      continue;
    }
    out.append(c.record);
    out.push_back('\n');
    ++a.records;
    if (!c.matched) ++unmatched;
  }
  if (a.records == 0) {
    a.failed = true;
    if (errs.any() || !ok) {
      a.kind = ok ? "api_error" : "api_rejected";
      a.message = ok ? std::string("the api answered with errors")
                     : fmt::format("the api refused the request: HTTP {}", http_status);
      if (errs.any()) {
        a.message += ": " + errs.summary;
        a.extra = errs.members;
        // The claim asked for is known: its answer is an error-state status.
        out.append(status::error_record(top, req, errs));
        out.push_back('\n');
        ++a.records;
      }
    } else {
      a.kind = "no_status";
      a.message = unnamed > 0 ? "the api answer's claims carry no claimStatus naming a claim (trackingNumber, "
                                "patientAccountNumber or tradingPartnerClaimNumber)"
                              : "the api answer has no claims";
    }
  } else {
    if (errs.any()) a.notes.push_back({"api_error", "the api answer carries errors: " + errs.summary, errs.members});
    if (unnamed > 0) {
      a.notes.push_back({"unidentified_claim",
                         fmt::format("{} of the answer's claims carry no claimStatus naming a claim (trackingNumber, "
                                     "patientAccountNumber or tradingPartnerClaimNumber); left out",
                                     unnamed),
                         {}});
    }
    if (unmatched > 0) {
      a.notes.push_back(
          {"unmatched_claims",
           fmt::format("the answer holds {} claim{} other than the one asked for (written with matched: false)",
                       unmatched, unmatched == 1 ? "" : "s"),
           {}});
    }
  }
  if (!errs.warnings_summary.empty()) {
    a.notes.push_back({"api_warning", "the api answer carries " + errs.warnings_summary, errs.warning_members});
  }
  return a;
}

namespace {

// One claim on its way: where it came from and what to send.
struct item {
  std::string text;       // the claim record as read (goes back to --errors)
  std::size_t input = 0;  // index into the input names
  std::uint64_t line = 0;
  std::string claim_id;
  std::string patient_account;
  std::string payer_claim_id;
  std::string control;
  std::string body;
};

std::chrono::milliseconds ms(double seconds) {
  return std::chrono::milliseconds(static_cast<long long>(seconds * 1000.0 + 0.5));
}

}  // namespace

int run_submit(cli::context& ctx, const submit_options& o) {
  const csv::input_format format_in = csv::parse_input_format(o.format_in);
  const csv::column_map columns = csv::parse_columns(o.columns);
  const cli::config cfg = cli::config::load_default(o.config_path);
  auth::credential_source creds(cfg);
  const std::string section(api_name(o.api));
  if (o.sandbox && o.api != api_flavour::optum) {
    throw error(cli::exit_code::usage,
                "--sandbox: only --api optum has sandbox hosts (Stedi's test mode is the API key's)");
  }
  std::string url = cfg.setting(o.url, section, "url",
                                o.api == api_flavour::stedi ? kStediUrl
                                : o.sandbox                 ? kOptumSandboxUrl
                                                            : kOptumUrl);
  http::check_url(url, "--url");
  std::string token_url;
  if (o.api == api_flavour::optum) {
    token_url = cfg.setting(o.token_url, section, "token_url", o.sandbox ? kOptumSandboxTokenUrl : kOptumTokenUrl);
    http::check_url(token_url, "--token-url");
  }
  if (!o.cacert.empty() && ::access(o.cacert.c_str(), R_OK) != 0) {
    throw error(cli::exit_code::io, fmt::format("--cacert: cannot read {}", o.cacert));
  }

  http::client_options copts;
  copts.jobs = o.jobs;
  copts.rate = o.rate;
  copts.connect_timeout = ms(o.connect_timeout);
  copts.total_timeout = ms(o.timeout);
  copts.cacert = o.cacert;
  if (!o.max_response_size.empty()) {
    copts.max_response_size = http::parse_size(o.max_response_size, "--max-response-size");
  } else if (auto v = cfg.get("http", "max_response_size")) {
    copts.max_response_size = http::parse_size(*v, fmt::format("{}: [http] max_response_size", cfg.path()));
  }
  http::client client(copts);

  http::retry_policy policy;
  policy.max_attempts = o.max_attempts;
  policy.breaker_threshold = o.breaker;
  policy.base_delay = ms(o.retry_delay);
  policy.max_delay = ms(o.retry_max_delay);

  std::unique_ptr<auth::token_provider> provider;
  auth::oauth2_client_credentials* oauth = nullptr;
  if (o.api == api_flavour::optum) {
    auth::oauth2_config ac;
    ac.token_url = token_url;
    ac.client_id = creds.require("CLAIMKIT_OPTUM_CLIENT_ID", section, "client_id");
    ac.client_secret = creds.require("CLAIMKIT_OPTUM_CLIENT_SECRET", section, "client_secret");
    auto p = std::make_unique<auth::oauth2_client_credentials>(
        ac, [&client](const http::request& r) { return client.perform(r); }, policy);
    oauth = p.get();
    provider = std::move(p);
  } else {
    provider = std::make_unique<auth::api_key_provider>("Authorization",
                                                        creds.require("CLAIMKIT_STEDI_API_KEY", section, "api_key"));
  }

  // Read every claim first: requests are built (and bad claims rejected)
  // before the first byte goes out, and the total is known for progress.
  std::deque<std::string> names;
  std::vector<item> items;
  auto add = [&](const ndjson::record& rec, std::size_t input) {
    item it;
    it.control = fmt::format("{:09}", items.size() + 1);
    try {
      it.body = build_request(rec, it.control);
    } catch (const claim_problem& p) {
      throw ndjson::bad_record{p.kind, p.message};
    }
    std::string scratch;
    it.claim_id = std::string(rec.string("claim_id", scratch));
    it.patient_account = std::string(rec.string("patient_account_number", scratch));
    it.payer_claim_id = std::string(rec.string("payer_claim_id", scratch));
    it.text = std::string(rec.text);
    it.input = input;
    it.line = rec.pos.line;
    items.push_back(std::move(it));
  };
  const std::vector<std::string> inputs = ctx.inputs();
  csv::check_inputs(inputs, format_in, columns, !o.columns.empty());
  csv::for_each_claim_record(inputs, format_in, columns, ctx.report, [&](ndjson::record& rec) {
    if (names.empty() || names.back() != rec.pos.input) names.emplace_back(rec.pos.input);
    add(rec, names.size() - 1);
  });

  std::optional<io::output> raw;
  if (!o.raw_path.empty()) raw.emplace(io::output::create_private(o.raw_path));

  http::dispatcher d(client, policy);
  d.on_unauthorized([&](const http::request& sent) { return provider->unauthorized(sent); });

  std::size_t answered = 0, records = 0, failed = 0, not_checked = 0, gave_up = 0;
  auto started = std::chrono::steady_clock::now();
  auto last_progress = started;
  auto progress = [&](bool final) {
    if (!o.progress) return;
    auto now = std::chrono::steady_clock::now();
    if (!final && now - last_progress < std::chrono::milliseconds(200)) return;
    last_progress = now;
    if (final) {
      o.progress({}, false);  // the summary replaces the progress line
      return;
    }
    double secs = std::chrono::duration<double>(now - started).count();
    std::size_t done = answered + failed + not_checked + gave_up;
    o.progress(fmt::format("{}/{} claims, {:.1f}/s, {} failed", done, items.size(), secs > 0 ? done / secs : 0.0,
                           failed + not_checked + gave_up),
               final);
  };

  for (std::size_t i = 0; i < items.size(); ++i) {
    http::job j;
    j.make = [&, i] {
      http::request r;
      r.method = "POST";
      r.url = url;
      r.set_json(items[i].body);
      r.set_header("Accept", "application/json");
      provider->authorize(r);
      return r;
    };
    j.done = [&, i](http::job_outcome out) {
      const item& it = items[i];
      cli::position pos{names[it.input], it.line};
      auto reject = [&](std::string_view kind, const std::string& message, const std::string& extra = {}) {
        if (o.progress) o.progress({}, false);  // messages start on a clean line
        ctx.report.error(pos, kind, message, cli::details{it.text, {}, extra});
      };
      if (raw && out.last.resp.status != 0) {
        std::string& b = raw->buffer();
        json::writer w(b);
        w.begin_object();
        w.key("claim_id");
        w.string(it.claim_id);
        w.key("http_status");
        w.integer(out.last.resp.status);
        w.key("attempts");
        w.integer(out.last.attempts);
        ndjson::parse_error err;
        if (ndjson::validate(out.last.resp.body, err)) {
          w.key("response");
          w.raw(out.last.resp.body);
        } else if (!out.last.resp.body.empty()) {
          w.key("response_text");
          w.string(out.last.resp.body);
        }
        w.end_object();
        b.push_back('\n');
        raw->maybe_flush();
      }
      switch (out.end) {
        case http::job_end::stopped: {
          ++not_checked;
          // One line per unchecked claim would bury the reason; the final
          // message counts them, and the rejects file keeps each one.
          bool was_quiet = ctx.report.quiet();
          if (!ctx.common.errors_path.empty()) ctx.report.set_quiet(true);
          reject("not_checked", "not checked: " + out.reason);
          ctx.report.set_quiet(was_quiet);
          break;
        }
        case http::job_end::gave_up:
          ++gave_up;
          reject("retries_exhausted", out.reason);
          break;
        case http::job_end::done: {
          const http::result& r = out.last;
          if (r.fail != http::failure::none) {
            ++failed;
            reject("transfer_failed", http::describe(r));
            break;
          }
          status::vendor_request req{it.claim_id, it.patient_account, it.payer_claim_id, api_name(o.api), it.control};
          answer_result a = read_answer(r.resp.status, r.resp.body, req, ctx.out.buffer());
          records += a.records;
          if (a.failed) {
            ++failed;
            reject(a.kind, a.message, a.extra);
          } else {
            ++answered;
          }
          for (const auto& n : a.notes) {
            if (o.progress) o.progress({}, false);
            ctx.report.warning(pos, n.kind, n.message, cli::details{it.text, {}, n.extra});
          }
          ctx.out.maybe_flush();
          break;
        }
      }
      progress(false);
    };
    d.add(std::move(j));
  }
  d.run();
  progress(true);
  if (raw) raw->close();

  std::string summary =
      fmt::format("{} claims: {} answered ({} status records), {} failed, {} not checked; {} requests", items.size(),
                  answered, records, failed + gave_up, not_checked, d.attempts());
  if (oauth != nullptr)
    summary += fmt::format(", {} token{}", oauth->tokens_fetched(), oauth->tokens_fetched() == 1 ? "" : "s");
  ctx.report.note(summary);
  if (d.stopped()) {
    ctx.report.fatal(
        fmt::format("{}; {} claims not checked (kept in --errors for a rerun)", d.stop_reason(), not_checked));
    return cli::to_int(cli::exit_code::remote);
  }
  if (gave_up > 0) {
    ctx.report.fatal(fmt::format("{} claims got no answer after retries", gave_up));
    return cli::to_int(cli::exit_code::remote);
  }
  return 0;
}

}  // namespace claimkit::query
