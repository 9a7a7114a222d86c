#include "query/submit.hpp"

#include <cctype>
#include <chrono>
#include <cstdlib>
#include <deque>
#include <memory>
#include <optional>
#include <unistd.h>

#include <fmt/format.h>

#include "auth/oauth2.hpp"
#include "core/error.hpp"
#include "csv/input.hpp"
#include "http/client.hpp"
#include "http/retry.hpp"
#include "io/output.hpp"
#include "json/scan.hpp"
#include "json/writer.hpp"
#include "query/config.hpp"

namespace claimkit::query {
namespace {

// A validated JSON object seen through its raw members.
class object_view {
 public:
  object_view() = default;
  explicit object_view(std::string_view text) { json::members_of(text, members_); }
  static std::optional<object_view> of(const json::member* m) {
    if (m == nullptr || m->kind != json::kind::object) return std::nullopt;
    return object_view(m->value);
  }
  const json::member* get(std::string_view key) const { return json::find(members_, key); }
  /// Decoded string value; empty when absent or not a string.
  std::string str(std::string_view key) const { return decode(get(key)); }
  /// A decimal as raw JSON number text, or the inside of a string holding one.
  std::string amount(std::string_view key) const {
    const json::member* m = get(key);
    if (m == nullptr) return {};
    if (m->kind == json::kind::number) return std::string(m->value);
    if (m->kind == json::kind::string) return decode(m);
    return {};
  }
  std::optional<object_view> object(std::string_view key) const { return of(get(key)); }
  std::vector<std::string_view> array(std::string_view key) const {
    std::vector<std::string_view> out;
    const json::member* m = get(key);
    if (m != nullptr && m->kind == json::kind::array) json::elements_of(m->value, out);
    return out;
  }
  static std::string decode(const json::member* m) {
    if (m == nullptr || m->kind != json::kind::string) return {};
    std::string out;
    json::unescape(m->value.substr(1, m->value.size() - 2), out);
    return out;
  }

 private:
  std::vector<json::member> members_;
};

std::string decode_string_value(std::string_view raw) {
  if (raw.size() < 2 || raw.front() != '"') return {};
  std::string out;
  json::unescape(raw.substr(1, raw.size() - 2), out);
  return out;
}

bool is_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// YYYY-MM-DD -> YYYYMMDD; empty when malformed.
std::string to_x12_date(std::string_view d) {
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return {};
  std::string out;
  out.append(d.substr(0, 4)).append(d.substr(5, 2)).append(d.substr(8, 2));
  if (!is_digits(out)) return {};
  int month = (out[4] - '0') * 10 + (out[5] - '0');
  int day = (out[6] - '0') * 10 + (out[7] - '0');
  if (month < 1 || month > 12 || day < 1 || day > 31) return {};
  return out;
}

// YYYYMMDD -> YYYY-MM-DD; the text unchanged when it is not such a date.
std::string from_x12_date(std::string_view d) {
  if (d.size() == 8 && is_digits(d)) return fmt::format("{}-{}-{}", d.substr(0, 4), d.substr(4, 2), d.substr(6, 2));
  if (d.size() == 10 && d[4] == '-' && d[7] == '-') return std::string(d);
  return {};
}

// The clearinghouse turns the JSON into X12: these characters would be delimiters there.
void check_chars(std::string_view v, std::string_view field) {
  if (v.find_first_of("~*:^") != std::string_view::npos) {
    throw claim_problem{"bad_character", fmt::format("{} contains an X12 delimiter character (~ * : ^)", field)};
  }
}

std::string need(std::string v, std::string_view field) {
  if (v.empty()) throw claim_problem{"missing_field", fmt::format("missing {}", field)};
  check_chars(v, field);
  return v;
}

std::string need_date(const std::string& v, std::string_view field) {
  if (v.empty()) throw claim_problem{"missing_field", fmt::format("missing {}", field)};
  std::string d = to_x12_date(v);
  if (d.empty()) throw claim_problem{"bad_date", fmt::format("{} is not a YYYY-MM-DD date", field)};
  return d;
}

// The subscriber's birth date is needed only when the subscriber is the patient.
void write_person(json::writer& w, const object_view& p, std::string_view prefix, bool with_member_id,
                  bool dob_required = true) {
  w.begin_object();
  if (with_member_id) {
    w.key("memberId");
    w.string(need(p.str("member_id"), fmt::format("{}.member_id", prefix)));
  }
  w.key("firstName");
  w.string(need(p.str("first_name"), fmt::format("{}.first_name", prefix)));
  w.key("lastName");
  w.string(need(p.str("last_name"), fmt::format("{}.last_name", prefix)));
  std::string dob = p.str("dob");
  if (dob_required || !dob.empty()) {
    w.key("dateOfBirth");
    w.string(need_date(dob, fmt::format("{}.dob", prefix)));
  }
  std::string g = p.str("gender");
  if (g == "M" || g == "F") {
    w.key("gender");
    w.string(g);
  }
  if (with_member_id) {
    std::string grp = p.str("group_number");
    if (!grp.empty()) {
      check_chars(grp, fmt::format("{}.group_number", prefix));
      w.key("groupNumber");
      w.string(grp);
    }
  }
  w.end_object();
}

}  // namespace

std::string_view api_name(api_flavour a) { return a == api_flavour::optum ? "optum" : "stedi"; }

std::string build_request(const ndjson::record& rec, std::string_view control_number) {
  object_view claim(rec.text);
  std::string claim_id = need(claim.str("claim_id"), "claim_id");
  std::string payer_id = need(claim.str("payer_id"), "payer_id");
  auto provider = claim.object("provider");
  if (!provider) throw claim_problem{"missing_field", "missing provider"};
  std::string npi = provider->str("npi");
  std::string tax_id = provider->str("tax_id");
  if (npi.empty() && tax_id.empty()) throw claim_problem{"missing_field", "missing provider.npi (or provider.tax_id)"};
  if (!npi.empty() && (npi.size() != 10 || !is_digits(npi))) {
    throw claim_problem{"bad_npi", "provider.npi is not 10 digits"};
  }
  auto subscriber = claim.object("subscriber");
  if (!subscriber) throw claim_problem{"missing_field", "missing subscriber"};
  auto patient = claim.object("patient");
  std::string from = need_date(claim.str("service_from"), "service_from");
  std::string to_text = claim.str("service_to");
  std::string to = to_text.empty() ? from : need_date(to_text, "service_to");

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
    check_chars(name, "provider.name");
    w.key("organizationName");
    w.string(name);
  }
  if (!npi.empty()) {
    w.key("npi");
    w.string(npi);
  }
  if (!tax_id.empty()) {
    check_chars(tax_id, "provider.tax_id");
    w.key("taxId");
    w.string(tax_id);
  }
  w.key("providerType");
  w.string("BillingProvider");
  w.end_object();
  w.end_array();
  w.key("subscriber");
  write_person(w, *subscriber, "subscriber", true, !patient);
  if (patient) {
    w.key("dependent");
    write_person(w, *patient, "patient", false);
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
    check_chars(payer_claim_id, "payer_claim_id");
    w.key("tradingPartnerClaimNumber");
    w.string(payer_claim_id);
  }
  std::string billed = claim.amount("billed_amount");
  if (!billed.empty()) {
    if (!json::is_plain_decimal(billed)) throw claim_problem{"bad_amount", "billed_amount is not a decimal amount"};
    w.key("submittedAmount");
    w.string(billed);
  }
  w.end_object();
  w.end_object();
  return out;
}

namespace {

void write_status(json::writer& w, const object_view& st, bool with_amounts) {
  w.begin_object();
  w.field("category", st.str("statusCategoryCode"));
  w.field("code", st.str("statusCode"));
  w.field("entity", st.str("entityCode"));
  w.field("effective_date", from_x12_date(st.str("effectiveDate")));
  if (with_amounts) {
    w.decimal_field("amount", st.amount("submittedAmount"));
    w.decimal_field("paid_amount", st.amount("amountPaid"));
    // As in the 277 (STC06 / STC08): the API's paidDate is the adjudication
    // or payment date, checkIssueDate the check or EFT date.
    w.field("adjudication_date", from_x12_date(st.str("paidDate")));
    w.field("paid_date", from_x12_date(st.str("checkIssueDate")));
    w.field("check_number", st.str("checkNumber"));
  }
  w.end_object();
}

void write_party(json::writer& w, std::string_view key, const std::string& name, const std::string& id,
                 std::string_view qualifier, const std::string& npi) {
  if (name.empty() && id.empty()) return;
  w.key(key);
  w.begin_object();
  w.field("name", name);
  w.field("id", id);
  if (!id.empty()) w.field("id_qualifier", qualifier);
  w.field("npi", npi);
  w.end_object();
}

void write_member(json::writer& w, std::string_view key, const std::optional<object_view>& p) {
  if (!p) return;
  std::string last = p->str("lastName"), first = p->str("firstName"), id = p->str("memberId");
  if (last.empty() && first.empty() && id.empty()) return;
  w.key(key);
  w.begin_object();
  w.field("last_name", last);
  w.field("first_name", first);
  w.field("member_id", id);
  w.end_object();
}

}  // namespace

std::size_t convert_response(std::string_view body, std::string_view claim_id, api_flavour api,
                             std::string_view control_number, std::string& out, std::vector<std::string>& warnings) {
  std::vector<json::member> top;
  json::scan_error err;
  if (!json::scan_object(body, top, err)) {
    throw claim_problem{"bad_response", "the api answer is not a JSON object"};
  }
  object_view doc(body);
  std::vector<std::string_view> claims = doc.array("claims");
  if (claims.empty()) {
    api_error_info info = api_errors(body);
    if (!info.summary.empty()) throw claim_problem{"api_error", "the api answered with errors: " + info.summary};
    throw claim_problem{"no_status", "the api answer has no claims"};
  }

  auto payer = doc.object("payer");
  std::string payer_name = payer ? payer->str("organizationName") : std::string();
  std::string payer_id = payer ? payer->str("payerIdentification") : std::string();
  if (payer_id.empty()) payer_id = doc.str("tradingPartnerServiceId");

  std::string prov_name, prov_id, prov_qual, prov_npi;
  for (std::string_view p : doc.array("providers")) {
    object_view pv(p);
    if (!prov_id.empty() && pv.str("providerType") != "BillingProvider") continue;
    prov_name = pv.str("organizationName");
    if (prov_name.empty()) {
      prov_name = pv.str("lastName");
      if (!pv.str("firstName").empty()) prov_name += (prov_name.empty() ? "" : ", ") + pv.str("firstName");
    }
    prov_npi = pv.str("npi");
    prov_id = prov_npi.empty() ? pv.str("taxId") : prov_npi;
    prov_qual = prov_npi.empty() ? "FI" : "XX";
    if (pv.str("providerType") == "BillingProvider") break;
  }
  auto subscriber = doc.object("subscriber");
  auto dependent = doc.object("dependent");
  std::string response_control = doc.str("controlNumber");
  std::string trace;
  if (auto meta = doc.object("meta")) trace = meta->str("traceId");

  std::size_t n = 0;
  bool mismatch_reported = false;
  for (std::string_view c : claims) {
    if (c.empty() || c.front() != '{') continue;
    object_view claim(c);
    // claimStatus is one object in the published examples; accept an array too.
    std::vector<object_view> statuses;
    const json::member* cs = claim.get("claimStatus");
    if (cs != nullptr && cs->kind == json::kind::object) {
      statuses.emplace_back(cs->value);
    } else if (cs != nullptr && cs->kind == json::kind::array) {
      std::vector<std::string_view> els;
      json::elements_of(cs->value, els);
      for (auto e : els) {
        if (!e.empty() && e.front() == '{') statuses.emplace_back(e);
      }
    }
    if (statuses.empty()) continue;
    const object_view& first = statuses.front();
    std::string tracking = first.str("trackingNumber");
    if (!tracking.empty() && tracking != claim_id && !mismatch_reported) {
      warnings.emplace_back("the api answer's trackingNumber differs from the claim's; kept the claim's claim_id");
      mismatch_reported = true;
    }

    json::writer w(out);
    w.begin_object();
    w.key("type");
    w.string("claim_status");
    w.key("claim_id");
    w.string(claim_id);
    w.field("payer_claim_id", first.str("tradingPartnerClaimNumber"));
    w.field("patient_account_number", first.str("patientAccountNumber"));
    if (!payer_name.empty() || !payer_id.empty()) {
      w.key("payer");
      w.begin_object();
      w.field("name", payer_name);
      w.field("id", payer_id);
      if (!payer_id.empty()) w.field("id_qualifier", "PI");
      w.end_object();
    }
    write_party(w, "provider", prov_name, prov_id, prov_qual, prov_npi);
    write_member(w, "subscriber", subscriber);
    write_member(w, "patient", dependent);
    std::string dates = first.str("claimServiceDate");
    if (!dates.empty()) {
      auto dash = dates.find('-');
      std::string from = from_x12_date(dates.substr(0, dash));
      std::string to = dash == std::string::npos ? from : from_x12_date(dates.substr(dash + 1));
      w.field("service_from", from);
      w.field("service_to", to);
    }
    w.decimal_field("billed_amount", first.amount("submittedAmount"));
    w.decimal_field("paid_amount", first.amount("amountPaid"));
    w.key("statuses");
    w.begin_array();
    bool firsts = true;
    for (const auto& st : statuses) {
      write_status(w, st, firsts || !st.amount("amountPaid").empty() || !st.amount("submittedAmount").empty());
      firsts = false;
    }
    w.end_array();

    std::vector<std::string_view> details = claim.array("serviceDetails");
    if (!details.empty()) {
      w.key("lines");
      w.begin_array();
      for (std::string_view d : details) {
        if (d.empty() || d.front() != '{') continue;
        object_view detail(d);
        auto svc = detail.object("service");
        w.begin_object();
        if (svc) {
          w.field("procedure", svc->str("procedureId"));
          w.field("procedure_qualifier", svc->str("serviceIdQualifierCode"));
          std::vector<std::string_view> mods = svc->array("procedureModifiers");
          if (!mods.empty()) {
            w.key("modifiers");
            w.begin_array();
            for (auto m : mods) w.string(decode_string_value(m));
            w.end_array();
          }
          w.decimal_field("billed_amount", svc->amount("submittedAmount"));
          w.decimal_field("paid_amount", svc->amount("amountPaid"));
          w.decimal_field("units", svc->amount("submittedUnits"));
          w.field("line_id", svc->str("lineItemControlNumber"));
          std::string sd = from_x12_date(svc->str("serviceDate"));
          if (sd.empty()) sd = from_x12_date(svc->str("beginningDateOfService"));
          w.field("service_date", sd);
        }
        std::vector<std::string_view> lst = detail.array("status");
        if (!lst.empty()) {
          w.key("statuses");
          w.begin_array();
          for (auto s : lst) {
            if (!s.empty() && s.front() == '{') write_status(w, object_view(s), false);
          }
          w.end_array();
        }
        w.end_object();
      }
      w.end_array();
    }

    w.key("source");
    w.begin_object();
    w.key("channel");
    w.string("api");
    w.key("api");
    w.string(api_name(api));
    w.key("control_number");
    w.string(response_control.empty() ? std::string(control_number) : response_control);
    w.key("transaction_type");
    w.string("277");
    w.field("trace", trace);
    w.end_object();
    w.end_object();
    out.push_back('\n');
    ++n;
  }
  if (n == 0) throw claim_problem{"no_status", "the api answer has no claim status"};
  return n;
}

api_error_info api_errors(std::string_view body) {
  api_error_info info;
  std::vector<json::member> top;
  json::scan_error err;
  if (!json::scan_object(body, top, err)) return info;
  const json::member* errors = json::find(top, "errors");
  if (errors != nullptr && errors->kind == json::kind::array) {
    std::vector<std::string_view> els;
    json::elements_of(errors->value, els);
    std::vector<std::string> parts;
    for (auto e : els) {
      if (e.empty() || e.front() != '{') continue;
      object_view ev(e);
      std::string code = ev.str("code");
      std::string field = ev.str("field");
      // Field names and codes are safe to show; descriptions may echo the data.
      std::string p;
      if (!code.empty() && code.size() <= 16) p += "code " + code;
      if (!field.empty() && field.size() <= 64 && field.find_first_of(" \t") == std::string::npos) {
        p += (p.empty() ? "" : " ") + std::string("field ") + field;
      }
      if (!p.empty()) parts.push_back(std::move(p));
    }
    info.summary = fmt::format("{} error{}", els.size(), els.size() == 1 ? "" : "s");
    if (!parts.empty()) info.summary += fmt::format(" ({})", fmt::join(parts, "; "));
    info.extra = "\"api_errors\":" + std::string(errors->value);
    return info;
  }
  for (std::string_view k : {"message", "error_description", "error", "detail"}) {
    const json::member* m = json::find(top, k);
    if (m != nullptr && m->kind == json::kind::string) {
      info.extra = "\"api_message\":" + std::string(m->value);
      info.summary = "see api_message in the rejects file";
      return info;
    }
  }
  return info;
}

namespace {

// One claim on its way: where it came from and what to send.
struct item {
  std::string text;        // the claim record as read (goes back to --errors)
  std::size_t input = 0;   // index into the input names
  std::uint64_t line = 0;
  std::string claim_id;
  std::string control;
  std::string body;
};

std::string setting(const std::string& option, const config& cfg, std::string_view section, std::string_view key,
                    std::string_view fallback) {
  if (!option.empty()) return option;
  if (auto v = cfg.get(section, key)) return *v;
  return std::string(fallback);
}

std::string credential(const char* env_name, const config& cfg, std::string_view section, std::string_view key) {
  if (const char* v = std::getenv(env_name); v != nullptr && *v != '\0') return v;
  if (auto v = cfg.get(section, key)) return *v;
  throw error(cli::exit_code::usage,
              fmt::format("no credentials: set {} or `{}` in section [{}] of the config file", env_name, key, section));
}

std::chrono::milliseconds ms(double seconds) {
  return std::chrono::milliseconds(static_cast<long long>(seconds * 1000.0 + 0.5));
}

}  // namespace

int run_submit(cli::context& ctx, const submit_options& o) {
  const csv::input_format format_in = csv::parse_input_format(o.format_in);
  const csv::column_map columns = csv::parse_columns(o.columns);
  config cfg = config::load_default(o.config_path);
  const std::string section(api_name(o.api));
  std::string url = setting(o.url, cfg, section, "url", o.api == api_flavour::optum ? kOptumUrl : kStediUrl);
  http::check_url(url, "--url");
  std::string token_url;
  if (o.api == api_flavour::optum) {
    token_url = setting(o.token_url, cfg, section, "token_url", kOptumTokenUrl);
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
    ac.client_id = credential("CLAIMKIT_OPTUM_CLIENT_ID", cfg, section, "client_id");
    ac.client_secret = credential("CLAIMKIT_OPTUM_CLIENT_SECRET", cfg, section, "client_secret");
    auto p = std::make_unique<auth::oauth2_client_credentials>(
        ac, [&client](const http::request& r) { return client.perform(r); }, policy);
    oauth = p.get();
    provider = std::move(p);
  } else {
    provider = std::make_unique<auth::api_key_provider>("Authorization",
                                                        credential("CLAIMKIT_STEDI_API_KEY", cfg, section, "api_key"));
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
        json::scan_error err;
        if (json::scan_value(out.last.resp.body, err)) {
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
          if (r.ok()) {
            std::vector<std::string> warnings;
            try {
              std::size_t n = convert_response(r.resp.body, it.claim_id, o.api, it.control, ctx.out.buffer(), warnings);
              records += n;
              ++answered;
              for (const auto& w : warnings) {
                if (o.progress) o.progress({}, false);
                ctx.report.warning(pos, "tracking_mismatch", w);
              }
              ctx.out.maybe_flush();
            } catch (const claim_problem& p) {
              ++failed;
              reject(p.kind, p.message, api_errors(r.resp.body).extra);
            }
          } else if (r.fail == http::failure::none) {
            ++failed;
            api_error_info info = api_errors(r.resp.body);
            std::string msg = fmt::format("the api refused the request: HTTP {}", r.resp.status);
            if (!info.summary.empty()) msg += ": " + info.summary;
            reject("api_rejected", msg, info.extra);
          } else {
            ++failed;
            reject("transfer_failed", http::describe(r));
          }
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

  std::string summary = fmt::format("{} claims: {} answered ({} status records), {} failed, {} not checked; {} requests",
                                    items.size(), answered, records, failed + gave_up, not_checked, d.attempts());
  if (oauth != nullptr) summary += fmt::format(", {} token{}", oauth->tokens_fetched(), oauth->tokens_fetched() == 1 ? "" : "s");
  ctx.report.note(summary);
  if (d.stopped()) {
    ctx.report.fatal(fmt::format("{}; {} claims not checked (kept in --errors for a rerun)", d.stop_reason(), not_checked));
    return cli::to_int(cli::exit_code::remote);
  }
  if (gave_up > 0) {
    ctx.report.fatal(fmt::format("{} claims got no answer after retries", gave_up));
    return cli::to_int(cli::exit_code::remote);
  }
  return 0;
}

}  // namespace claimkit::query
