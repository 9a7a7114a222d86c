#include "status/vendor.hpp"

#include <initializer_list>

#include "json/scan.hpp"
#include "json/writer.hpp"

namespace claimkit::status {
namespace {

// A parsed object of the vendor response with lookups by any of several
// names (the vendors differ in small ways).
struct object {
  std::vector<json::member> ms;
  explicit object(std::string_view text = {}) {
    if (!text.empty() && text.front() == '{') json::members_of(text, ms);
  }
  const json::member* get(std::initializer_list<std::string_view> keys) const {
    for (auto k : keys) {
      if (const json::member* m = json::find(ms, k)) return m;
    }
    return nullptr;
  }
  std::string str(std::initializer_list<std::string_view> keys) const {
    const json::member* m = get(keys);
    std::string out;
    if (m == nullptr) return out;
    if (m->kind == json::kind::string) json::unescape(m->value.substr(1, m->value.size() - 2), out);
    else if (m->kind == json::kind::number) out.assign(m->value);
    return out;
  }
  object child(std::initializer_list<std::string_view> keys) const {
    const json::member* m = get(keys);
    if (m == nullptr) return object();
    if (m->kind == json::kind::object) return object(m->value);
    if (m->kind == json::kind::array) {
      // A list where one object is expected: the first entry.
      std::vector<std::string_view> el;
      json::elements_of(m->value, el);
      if (!el.empty()) return object(el.front());
    }
    return object();
  }
  std::vector<object> children(std::initializer_list<std::string_view> keys) const {
    std::vector<object> out;
    const json::member* m = get(keys);
    if (m == nullptr) return out;
    if (m->kind == json::kind::object) {
      out.emplace_back(m->value);
    } else if (m->kind == json::kind::array) {
      std::vector<std::string_view> el;
      json::elements_of(m->value, el);
      for (auto e : el) {
        if (!e.empty() && e.front() == '{') out.emplace_back(e);
      }
    }
    return out;
  }
  bool empty() const { return ms.empty(); }
};

// CCYYMMDD -> YYYY-MM-DD; anything else is kept as the vendor wrote it.
std::string iso_date(std::string_view d) {
  if (d.size() == 8 && d.find_first_not_of("0123456789") == std::string_view::npos) {
    return std::string(d.substr(0, 4)) + "-" + std::string(d.substr(4, 2)) + "-" + std::string(d.substr(6, 2));
  }
  return std::string(d);
}

void date_field(json::writer& w, std::string_view key, std::string_view d) {
  if (!d.empty()) {
    w.key(key);
    w.string(iso_date(d));
  }
}

// Amounts arrive as strings ("150.00") or numbers; both keep their digits.
void amount_field(json::writer& w, std::string_view key, const object& o, std::initializer_list<std::string_view> names) {
  const json::member* m = o.get(names);
  if (m == nullptr) return;
  if (m->kind == json::kind::number) {
    w.key(key);
    w.raw(m->value);
  } else if (m->kind == json::kind::string) {
    std::string s;
    json::unescape(m->value.substr(1, m->value.size() - 2), s);
    if (s.empty()) return;
    w.key(key);
    w.decimal(s);
  }
}

void party(json::writer& w, std::string_view key, const object& o, bool person) {
  if (o.empty()) return;
  std::string name = o.str({"organizationName", "providerName", "name"});
  std::string last = o.str({"lastName"});
  std::string first = o.str({"firstName"});
  std::string id = o.str({"payerIdentification", "payerId", "id"});
  std::string npi = o.str({"npi"});
  std::string member = o.str({"memberId"});
  if (name.empty() && last.empty() && first.empty() && id.empty() && npi.empty() && member.empty()) return;
  w.key(key);
  w.begin_object();
  if (person) {
    w.field("last_name", last);
    w.field("first_name", first);
    w.field("member_id", member);
  } else {
    if (name.empty() && !last.empty()) name = first.empty() ? last : last + ", " + first;
    w.field("name", name);
    w.field("id", !id.empty() ? id : npi);
    w.field("npi", npi);
  }
  w.end_object();
}

// One status entry; the vendors name the codes two ways.
void status_entry(json::writer& w, const object& s, std::string_view date_fallback) {
  std::string cat = s.str({"statusCategoryCode", "healthCareClaimStatusCategoryCode"});
  std::string code = s.str({"statusCode"});
  std::string entity = s.str({"entityCode", "entityIdentifierCode"});
  w.begin_object();
  w.field("category", cat);
  w.field("code", code);
  w.field("entity", entity);
  std::string eff = s.str({"effectiveDate", "statusInformationEffectiveDate"});
  date_field(w, "effective_date", eff.empty() ? date_fallback : eff);
  amount_field(w, "amount", s, {"submittedAmount", "totalClaimChargeAmount"});
  amount_field(w, "paid_amount", s, {"amountPaid", "claimPaymentAmount"});
  date_field(w, "paid_date", s.str({"paidDate", "checkIssueDate"}));
  w.field("check_number", s.str({"checkNumber"}));
  w.end_object();
}

// The status entries of a claimStatus object: itself, or its nested
// informationClaimStatuses[].informationStatuses[].
void status_entries(json::writer& w, const object& cs) {
  auto infos = cs.children({"informationClaimStatuses"});
  if (infos.empty()) {
    status_entry(w, cs, {});
    return;
  }
  for (const auto& info : infos) {
    std::string eff = info.str({"statusInformationEffectiveDate", "effectiveDate"});
    auto sts = info.children({"informationStatuses"});
    if (sts.empty()) status_entry(w, info, eff);
    for (const auto& s : sts) status_entry(w, s, eff);
  }
}

}  // namespace

bool is_vendor_response(const ndjson::record& rec) {
  return rec.get("type") == nullptr && rec.get("claims") != nullptr;
}

std::vector<vendor_claim> convert_vendor(const ndjson::record& rec) {
  std::vector<vendor_claim> out;
  object top;
  top.ms = rec.members;
  object payer = top.child({"payer"});
  std::string payer_id = payer.str({"payerIdentification", "payerId", "id"});
  if (payer_id.empty()) payer_id = top.str({"tradingPartnerServiceId"});
  std::string payer_name = payer.str({"organizationName", "name"});
  object provider = top.child({"provider", "providers"});
  object subscriber = top.child({"subscriber", "subscribers"});
  object dependent = top.child({"dependent", "dependents", "patient"});

  for (const object& claim : top.children({"claims"})) {
    auto statuses = claim.children({"claimStatus"});
    const object first = statuses.empty() ? object() : statuses.front();
    vendor_claim vc;
    std::string& s = vc.record;
    json::writer w(s);
    w.begin_object();
    w.key("type");
    w.string("claim_status");
    std::string id = first.str({"trackingNumber"});
    if (id.empty()) id = first.str({"patientAccountNumber"});
    vc.has_id = !id.empty();
    w.field("claim_id", id);
    w.field("payer_claim_id", first.str({"tradingPartnerClaimNumber"}));
    w.field("patient_account_number", first.str({"patientAccountNumber"}));
    if (!payer_id.empty() || !payer_name.empty()) {
      w.key("payer");
      w.begin_object();
      w.field("name", payer_name);
      w.field("id", payer_id);
      w.end_object();
    }
    party(w, "provider", provider, false);
    party(w, "subscriber", subscriber, true);
    party(w, "patient", dependent, true);
    std::string dos = first.str({"claimServiceDate"});
    if (!dos.empty()) {
      std::size_t dash = dos.find('-');
      if (dos.size() == 17 && dash == 8) {
        date_field(w, "service_from", dos.substr(0, 8));
        date_field(w, "service_to", dos.substr(9));
      } else {
        date_field(w, "service_from", dos);
        date_field(w, "service_to", dos);
      }
    }
    amount_field(w, "billed_amount", first, {"submittedAmount"});
    amount_field(w, "paid_amount", first, {"amountPaid"});
    if (!statuses.empty()) {
      w.key("statuses");
      w.begin_array();
      for (const auto& cs : statuses) status_entries(w, cs);
      w.end_array();
    }
    auto details = claim.children({"serviceDetails"});
    if (!details.empty()) {
      w.key("lines");
      w.begin_array();
      for (const auto& d : details) {
        object svc = d.child({"service"});
        if (svc.empty()) svc = d;
        w.begin_object();
        w.field("procedure", svc.str({"procedureId", "procedureCode"}));
        w.field("procedure_qualifier", svc.str({"serviceIdQualifierCode"}));
        const json::member* mods = svc.get({"procedureModifiers", "modifiers"});
        if (mods != nullptr && mods->kind == json::kind::array) {
          w.key("modifiers");
          w.raw(mods->value);
        }
        amount_field(w, "billed_amount", svc, {"submittedAmount", "chargeAmount"});
        amount_field(w, "paid_amount", svc, {"amountPaid", "paidAmount"});
        amount_field(w, "units", svc, {"submittedUnits", "units"});
        w.field("line_id", svc.str({"lineItemControlNumber"}));
        std::string sd = svc.str({"serviceDate", "beginServiceDate"});
        if (sd.empty()) sd = d.str({"serviceDate"});
        date_field(w, "service_date", sd.size() == 17 && sd[8] == '-' ? sd.substr(0, 8) : sd);
        auto line_statuses = d.children({"status", "statuses", "claimStatus"});
        if (!line_statuses.empty()) {
          w.key("statuses");
          w.begin_array();
          for (const auto& ls : line_statuses) status_entry(w, ls, {});
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
    w.end_object();
    w.end_object();
    out.push_back(std::move(vc));
  }
  return out;
}

}  // namespace claimkit::status
