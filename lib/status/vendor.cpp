#include "status/vendor.hpp"

#include <fmt/format.h>

#include "dates/civil.hpp"
#include "json/writer.hpp"

// The one mapping from a clearinghouse claim status v2 answer (Optum
// "Medical Network Claim Status V2", Stedi's real-time claim status API,
// which answers in the same shape) to claim_status records. Each API field
// is the 277 element the vendors' schemas name, and goes where x12-parse
// puts that element (claimkit(7) has the table).

namespace claimkit::status {
namespace {

// A validated JSON object seen through its raw members.
class object {
 public:
  object() = default;
  explicit object(std::string_view text) {
    if (!text.empty() && text.front() == '{') ndjson::members_of(text, ms_);
  }
  explicit object(const std::vector<ndjson::member>& ms) : ms_(ms) {}
  const ndjson::member* get(std::string_view key) const { return ndjson::find(ms_, key); }
  /// A string value decoded (a number as written); empty otherwise.
  std::string str(std::string_view key) const {
    const ndjson::member* m = get(key);
    std::string out;
    if (m == nullptr) return out;
    if (m->kind == ndjson::kind::string) ndjson::unescape(m->value.substr(1, m->value.size() - 2), out);
    else if (m->kind == ndjson::kind::number) out.assign(m->value);
    return out;
  }
  object child(std::string_view key) const {
    const ndjson::member* m = get(key);
    return m != nullptr && m->kind == ndjson::kind::object ? object(m->value) : object();
  }
  /// The objects of an array member (a lone object counts as one).
  std::vector<object> children(std::string_view key) const {
    std::vector<object> out;
    const ndjson::member* m = get(key);
    if (m == nullptr) return out;
    if (m->kind == ndjson::kind::object) {
      out.emplace_back(m->value);
    } else if (m->kind == ndjson::kind::array) {
      std::vector<std::string_view> el;
      ndjson::elements_of(m->value, el);
      for (auto e : el) {
        if (!e.empty() && e.front() == '{') out.emplace_back(e);
      }
    }
    return out;
  }
  bool empty() const { return ms_.empty(); }

 private:
  std::vector<ndjson::member> ms_;
};

// CCYYMMDD (Optum) or YYYY-MM-DD (Stedi) -> YYYY-MM-DD; empty when it is
// neither or not a calendar date.
std::string iso_date(std::string_view d) {
  dates::day_number n;
  if (dates::parse_d8(d, n) || dates::parse(d, n)) return dates::format(n);
  return {};
}

void amount(json::writer& w, std::string_view key, const object& o, std::string_view name) {
  const ndjson::member* m = o.get(name);
  if (m == nullptr) return;
  if (m->kind == ndjson::kind::number) {
    w.key(key);
    w.raw(m->value);
  } else if (m->kind == ndjson::kind::string) {
    w.decimal_field(key, o.str(name));
  }
}

// One STC composite: STC01 (prefix ""), STC10 ("secondary"), STC11
// ("tertiary"). As in the 277 path, the effective date (STC02) goes with
// each, the amounts and dates (STC04-STC09) with STC01 only.
void stc(json::writer& w, const object& s, std::string_view prefix, bool with_amounts) {
  auto name = [&](std::string_view base) {
    if (prefix.empty()) return std::string(base);
    std::string n(prefix);
    n.push_back(static_cast<char>(base[0] - 'a' + 'A'));
    n.append(base.substr(1));
    return n;
  };
  std::string cat = s.str(name("statusCategoryCode"));
  std::string code = s.str(name("statusCode"));
  std::string entity = s.str(name("entityCode"));
  if (!prefix.empty() && cat.empty() && code.empty() && entity.empty()) return;
  w.begin_object();
  w.field("category", cat);
  w.field("code", code);
  w.field("entity", entity);
  w.field("effective_date", iso_date(s.str("effectiveDate")));
  if (with_amounts) {
    amount(w, "amount", s, "submittedAmount");
    amount(w, "paid_amount", s, "amountPaid");
    w.field("adjudication_date", iso_date(s.str("paidDate")));
    w.field("paid_date", iso_date(s.str("checkIssueDate")));
    w.field("check_number", s.str("checkNumber"));
  }
  w.end_object();
}

void stc_all(json::writer& w, const object& s, bool with_amounts) {
  stc(w, s, {}, with_amounts);
  stc(w, s, "secondary", false);
  stc(w, s, "tertiary", false);
}

void person(json::writer& w, std::string_view key, const object& p) {
  std::string last = p.str("lastName"), first = p.str("firstName"), id = p.str("memberId");
  if (last.empty() && first.empty() && id.empty()) return;
  w.key(key);
  w.begin_object();
  w.field("last_name", last);
  w.field("first_name", first);
  w.field("member_id", id);
  w.end_object();
}

// The parts of the answer every claims[] entry shares.
struct shared {
  std::string payer_name, payer_id;
  std::string prov_name, prov_id, prov_qual, prov_npi;
  object subscriber, dependent;
  std::string control, trace, interchange;
};

shared shared_parts(const object& doc, const vendor_request& req) {
  shared s;
  object payer = doc.child("payer");
  s.payer_name = payer.str("organizationName");
  s.payer_id = payer.str("payerIdentification");
  if (s.payer_id.empty()) s.payer_id = doc.str("tradingPartnerServiceId");
  for (const object& pv : doc.children("providers")) {
    bool billing = pv.str("providerType") == "BillingProvider";
    if (!s.prov_id.empty() && !billing) continue;
    s.prov_name = pv.str("organizationName");
    if (s.prov_name.empty()) {
      s.prov_name = pv.str("lastName");
      std::string first = pv.str("firstName");
      if (!first.empty()) s.prov_name += (s.prov_name.empty() ? "" : ", ") + first;
    }
    s.prov_npi = pv.str("npi");
    s.prov_id = s.prov_npi.empty() ? pv.str("taxId") : s.prov_npi;
    s.prov_qual = s.prov_npi.empty() ? "FI" : "XX";
    if (billing) break;
  }
  s.subscriber = doc.child("subscriber");
  s.dependent = doc.child("dependent");
  s.control = doc.str("controlNumber");
  if (s.control.empty()) s.control.assign(req.control_number);
  s.trace = doc.child("meta").str("traceId");
  s.interchange = doc.str("reassociationKey");
  return s;
}

void head(json::writer& w, const shared& s) {
  if (!s.payer_name.empty() || !s.payer_id.empty()) {
    w.key("payer");
    w.begin_object();
    w.field("name", s.payer_name);
    w.field("id", s.payer_id);
    if (!s.payer_id.empty()) w.field("id_qualifier", "PI");
    w.end_object();
  }
  if (!s.prov_name.empty() || !s.prov_id.empty()) {
    w.key("provider");
    w.begin_object();
    w.field("name", s.prov_name);
    w.field("id", s.prov_id);
    if (!s.prov_id.empty()) w.field("id_qualifier", s.prov_qual);
    w.field("npi", s.prov_npi);
    w.end_object();
  }
  person(w, "subscriber", s.subscriber);
  person(w, "patient", s.dependent);
}

void source(json::writer& w, const shared& s, const vendor_request& req) {
  w.key("source");
  w.begin_object();
  w.key("channel");
  w.string("api");
  w.field("api", req.api);
  w.field("control_number", s.control);
  w.field("interchange", s.interchange);
  w.key("transaction_type");
  w.string("277");
  w.field("trace", s.trace);
  w.end_object();
}

// The claimStatus of a claims[] entry: one object in both published
// schemas; a list is read as one STC each.
std::vector<object> claim_statuses(const object& claim) { return claim.children("claimStatus"); }

void lines(json::writer& w, const object& claim) {
  auto details = claim.children("serviceDetails");
  if (details.empty()) return;
  w.key("lines");
  w.begin_array();
  for (const object& d : details) {
    object svc = d.child("service");
    w.begin_object();
    w.field("procedure", svc.str("procedureId"));
    w.field("procedure_qualifier", svc.str("serviceIdQualifierCode"));
    const ndjson::member* mods = svc.get("procedureModifiers");
    if (mods != nullptr && mods->kind == ndjson::kind::array) {
      std::vector<std::string_view> el;
      ndjson::elements_of(mods->value, el);
      w.key("modifiers");
      w.begin_array();
      for (auto m : el) {
        if (m.size() < 2 || m.front() != '"') continue;
        std::string v;
        ndjson::unescape(m.substr(1, m.size() - 2), v);
        w.string(v);
      }
      w.end_array();
    }
    amount(w, "billed_amount", svc, "submittedAmount");
    amount(w, "paid_amount", svc, "amountPaid");
    w.field("revenue_code", svc.str("revenueCode"));
    amount(w, "units", svc, "submittedUnits");
    auto sts = d.children("status");
    if (!sts.empty()) {
      w.key("statuses");
      w.begin_array();
      for (const object& s : sts) stc_all(w, s, false);
      w.end_array();
    }
    w.end_object();
  }
  w.end_array();
}

// Only short codes and names reach stderr: descriptions and values may echo the data.
bool safe_token(std::string_view v, std::size_t max) {
  if (v.empty() || v.size() > max) return false;
  for (char c : v) {
    if (static_cast<unsigned char>(c) <= ' ' || c == '"' || c == '\\' || static_cast<unsigned char>(c) >= 0x7f) {
      return false;
    }
  }
  return true;
}

// {shape, code}: an error shape that carries only a code.
void coded_item(json::writer& w, std::string_view shape, const std::string& code) {
  w.begin_object();
  w.key("shape");
  w.string(shape);
  w.field("code", code.substr(0, 64));
  w.end_object();
}

// One ErrorDetail without its value and description.
void error_detail(json::writer& w, const object& e, std::string_view shape, std::vector<std::string>& parts) {
  w.begin_object();
  w.key("shape");
  w.string(shape);
  std::string code = e.str("code"), field = e.str("field"), location = e.str("location");
  w.field("code", code.substr(0, 64));
  w.field("field", field.substr(0, 128));
  w.field("location", location.substr(0, 128));
  w.field("followupAction", e.str("followupAction").substr(0, 128));
  w.end_object();
  std::string p;
  if (safe_token(code, 32)) p = "code " + code;
  if (safe_token(field, 64)) p += (p.empty() ? "" : " ") + std::string("field ") + field;
  if (!p.empty()) parts.push_back(std::move(p));
}

}  // namespace

vendor_errors answer_errors(const std::vector<ndjson::member>& top) {
  vendor_errors out;
  object doc(top);
  std::vector<std::string> parts;
  std::size_t n = 0;
  std::string items;
  json::writer w(items);
  w.begin_array();
  if (const ndjson::member* er = doc.get("errorResponse"); er != nullptr && er->kind == ndjson::kind::object) {
    object e(er->value);
    std::string code = e.str("code");
    coded_item(w, "errorResponse", code);
    ++n;
    parts.push_back(safe_token(code, 32) ? "errorResponse code " + code : "errorResponse");
    for (const object& d : e.children("errors")) {
      error_detail(w, d, "errorResponse.errors", parts);
      ++n;
    }
  }
  for (const object& d : doc.children("errors")) {
    error_detail(w, d, "errors", parts);
    ++n;
  }
  std::string ack = doc.str("transactionSetAcknowledgement");
  std::string syntax = doc.str("implementationTransactionSetSyntaxError");
  if ((!ack.empty() && ack != "A") || !syntax.empty()) {
    w.begin_object();
    w.key("shape");
    w.string("999");
    w.field("transactionSetAcknowledgement", ack.substr(0, 8));
    w.field("implementationTransactionSetSyntaxError", syntax.substr(0, 8));
    w.end_object();
    ++n;
    std::string p = "999";
    if (safe_token(ack, 8)) p += " transactionSetAcknowledgement " + ack;
    if (safe_token(syntax, 8)) p += " implementationTransactionSetSyntaxError " + syntax;
    parts.push_back(std::move(p));
  }
  // Stedi's exception bodies ({code?, message}): only when nothing above
  // was found and the answer holds no claims.
  if (n == 0 && doc.get("claims") == nullptr && doc.get("message") != nullptr) {
    std::string code = doc.str("code");
    coded_item(w, "exception", code);
    ++n;
    parts.push_back(safe_token(code, 32) ? "code " + code : "an error message");
  }
  w.end_array();
  if (n > 0) {
    out.summary = fmt::format("{}", fmt::join(parts, "; "));
    out.members = "\"api_errors\":" + items;
  }

  auto warnings = doc.children("warnings");
  if (!warnings.empty()) {
    std::string wl;
    json::writer ww(wl);
    ww.begin_array();
    std::vector<std::string> codes;
    for (const object& x : warnings) {
      std::string code = x.str("code");
      ww.begin_object();
      ww.field("code", code.substr(0, 64));
      ww.end_object();
      if (safe_token(code, 32)) codes.push_back(code);
    }
    ww.end_array();
    out.warnings_summary = fmt::format("{} warning{}", warnings.size(), warnings.size() == 1 ? "" : "s");
    if (!codes.empty()) out.warnings_summary += fmt::format(" (code {})", fmt::join(codes, ", "));
    out.warning_members = "\"api_warnings\":" + wl;
  }
  return out;
}

std::vector<vendor_claim> convert_answer(const std::vector<ndjson::member>& top, const vendor_request& req) {
  std::vector<vendor_claim> out;
  object doc(top);
  auto claims = doc.children("claims");
  if (claims.empty()) return out;
  shared s = shared_parts(doc, req);
  for (const object& claim : claims) {
    auto statuses = claim_statuses(claim);
    const object first = statuses.empty() ? object() : statuses.front();
    std::string tracking = first.str("trackingNumber");
    std::string account = first.str("patientAccountNumber");
    std::string payer_claim = first.str("tradingPartnerClaimNumber");
    vendor_claim vc;
    std::string id = !tracking.empty() ? tracking : !account.empty() ? account : payer_claim;
    if (statuses.empty()) {  // no status to tell: counted as unnamed by the caller
      out.push_back(std::move(vc));
      out.back().has_id = false;
      continue;
    }
    if (!req.claim_id.empty()) {
      if (id.empty() && claims.size() == 1) {
        id.assign(req.claim_id);
      } else {
        vc.matched = (!tracking.empty() && tracking == req.claim_id) ||
                     (!account.empty() && (account == req.claim_id || account == req.patient_account)) ||
                     (!payer_claim.empty() && payer_claim == req.payer_claim_id);
      }
    }
    vc.has_id = !id.empty();

    json::writer w(vc.record);
    w.begin_object();
    w.key("type");
    w.string("claim_status");
    w.field("claim_id", id);
    w.field("payer_claim_id", payer_claim);
    w.field("patient_account_number", account);
    w.field("clearinghouse_trace", first.str("clearingHouseClaimNumber"));
    if (!vc.matched) {
      w.key("matched");
      w.boolean(false);
    }
    head(w, s);
    std::string dos = first.str("claimServiceDate");
    if (!dos.empty()) {
      auto dash = dos.find('-');
      std::string from = iso_date(dos.size() == 17 && dash == 8 ? dos.substr(0, 8) : dos);
      std::string to = dos.size() == 17 && dash == 8 ? iso_date(dos.substr(9)) : from;
      w.field("service_from", from);
      w.field("service_to", to);
    }
    amount(w, "billed_amount", first, "submittedAmount");
    amount(w, "paid_amount", first, "amountPaid");
    if (!statuses.empty()) {
      w.key("statuses");
      w.begin_array();
      for (const object& st : statuses) stc_all(w, st, true);
      w.end_array();
    }
    lines(w, claim);
    source(w, s, req);
    w.end_object();
    out.push_back(std::move(vc));
  }
  return out;
}

std::string error_record(const std::vector<ndjson::member>& top, const vendor_request& req, const vendor_errors& e) {
  object doc(top);
  shared s = shared_parts(doc, req);
  std::string out;
  json::writer w(out);
  w.begin_object();
  w.key("type");
  w.string("claim_status");
  w.field("claim_id", req.claim_id);
  head(w, s);
  w.key("statuses");
  w.begin_array();
  w.begin_object();
  w.key("category");
  w.string("E0");
  w.end_object();
  w.end_array();
  if (!e.members.empty()) w.raw(e.members);
  source(w, s, req);
  w.end_object();
  return out;
}

bool is_vendor_response(const ndjson::record& rec) {
  return rec.get("type") == nullptr && (rec.get("claims") != nullptr || rec.get("errorResponse") != nullptr ||
                                        rec.get("transactionSetAcknowledgement") != nullptr);
}

std::vector<vendor_claim> convert_vendor(const ndjson::record& rec) {
  auto claims = convert_answer(rec.members, vendor_request{});
  if (claims.empty()) {
    vendor_errors e = answer_errors(rec.members);
    if (e.any()) throw ndjson::bad_record{"api_error", "vendor answer carries errors: " + e.summary};
  }
  return claims;
}

}  // namespace claimkit::status
