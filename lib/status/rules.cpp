#include "status/rules.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "core/error.hpp"
#include "json/writer.hpp"
#include "ndjson/value.hpp"

namespace claimkit::status {
namespace {

constexpr std::string_view kStates[] = {"received",  "pending",  "needs_info", "paid",  "denied",
                                        "finalized", "rejected", "not_found",  "error", "unknown"};
constexpr std::string_view kEscalate[] = {"none", "portal", "phone", "auto", "preferred"};

using list = std::vector<std::string>;

rule make(std::string name, list categories, list codes, std::string state, std::string action, std::string queue,
          std::string reason, std::string escalate = "none") {
  rule r;
  r.name = std::move(name);
  r.categories = std::move(categories);
  r.codes = std::move(codes);
  r.state = std::move(state);
  r.action = std::move(action);
  r.queue = std::move(queue);
  r.reason = std::move(reason);
  r.escalate = std::move(escalate);
  r.builtin = true;
  return r;
}

rule make_ack(std::string name, list ack_codes, std::string state, std::string action, std::string queue,
              std::string reason) {
  rule r = make(std::move(name), {}, {}, std::move(state), std::move(action), std::move(queue), std::move(reason));
  r.types = {"ack"};
  r.ack_codes = std::move(ack_codes);
  return r;
}

// Positions in the rules file, for messages.
struct locator {
  std::string_view text;
  const std::string& name;

  std::string at(std::string_view where) const { return at(static_cast<std::size_t>(where.data() - text.data())); }
  std::string at(std::size_t offset) const {
    std::size_t line = 1, col = 1;
    for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
      if (text[i] == '\n') {
        ++line;
        col = 1;
      } else {
        ++col;
      }
    }
    return fmt::format("{}:{}:{}", name, line, col);
  }
  [[noreturn]] void fail(std::string_view where, std::string_view msg) const {
    throw error(cli::exit_code::usage, fmt::format("{}: {}", at(where), msg));
  }
};

// Where a key starts: its opening quote.
std::string_view key_at(const ndjson::member& m) { return std::string_view(m.key.data() - 1, m.key.size() + 2); }

std::string key_text(const ndjson::member& m) {
  std::string out;
  ndjson::unescape(m.key, out);
  return out;
}

std::string string_value(const locator& loc, const ndjson::member& m, std::string_view what) {
  if (m.kind != ndjson::kind::string) loc.fail(m.value, fmt::format("{} must be a string", what));
  std::string out;
  ndjson::unescape(m.value.substr(1, m.value.size() - 2), out);
  return out;
}

list string_list(const locator& loc, const ndjson::member& m, std::string_view what) {
  if (m.kind == ndjson::kind::string) return {string_value(loc, m, what)};
  if (m.kind != ndjson::kind::array) loc.fail(m.value, fmt::format("{} must be a string or an array of strings", what));
  std::vector<std::string_view> elems;
  ndjson::elements_of(m.value, elems);
  list out;
  for (auto e : elems) {
    if (e.empty() || e.front() != '"') loc.fail(e, fmt::format("{} must hold only strings", what));
    std::string s;
    ndjson::unescape(e.substr(1, e.size() - 2), s);
    out.push_back(std::move(s));
  }
  return out;
}

double number_value(const locator& loc, const ndjson::member& m, std::string_view what) {
  if (m.kind != ndjson::kind::number) loc.fail(m.value, fmt::format("{} must be a number", what));
  std::string s(m.value);
  return std::strtod(s.c_str(), nullptr);
}

rule parse_rule(const locator& loc, std::string_view obj, std::size_t index) {
  if (obj.empty() || obj.front() != '{') loc.fail(obj, "each rule must be an object");
  std::vector<ndjson::member> ms;
  ndjson::members_of(obj, ms);
  rule r;
  r.name = fmt::format("rule-{}", index + 1);
  for (const auto& m : ms) {
    std::string k = key_text(m);
    if (k == "name") r.name = string_value(loc, m, k);
    else if (k == "type") r.types = string_list(loc, m, k);
    else if (k == "channel") r.channels = string_list(loc, m, k);
    else if (k == "payer") r.payers = string_list(loc, m, k);
    else if (k == "category") r.categories = string_list(loc, m, k);
    else if (k == "code") r.codes = string_list(loc, m, k);
    else if (k == "entity") r.entities = string_list(loc, m, k);
    else if (k == "ack_code") r.ack_codes = string_list(loc, m, k);
    else if (k == "also_category") r.also_categories = string_list(loc, m, k);
    else if (k == "min_billed") r.min_billed = number_value(loc, m, k);
    else if (k == "max_billed") r.max_billed = number_value(loc, m, k);
    else if (k == "min_paid") r.min_paid = number_value(loc, m, k);
    else if (k == "max_paid") r.max_paid = number_value(loc, m, k);
    else if (k == "state") {
      r.state = string_value(loc, m, k);
      if (!is_state(r.state)) loc.fail(m.value, "unknown state (see status-normalize(1) for the list)");
    } else if (k == "action") r.action = string_value(loc, m, k);
    else if (k == "queue") r.queue = string_value(loc, m, k);
    else if (k == "reason") r.reason = string_value(loc, m, k);
    else if (k == "escalate") {
      r.escalate = string_value(loc, m, k);
      if (!is_escalate_mode(r.escalate)) loc.fail(m.value, "escalate must be none, portal, phone, auto or preferred");
    } else {
      loc.fail(key_at(m), fmt::format("unknown key \"{}\" in rule", k));
    }
  }
  for (const char* need : {"state", "action", "queue"}) {
    bool missing = (std::string_view(need) == "state" && r.state.empty()) ||
                   (std::string_view(need) == "action" && r.action.empty()) ||
                   (std::string_view(need) == "queue" && r.queue.empty());
    if (missing) loc.fail(obj, fmt::format("rule has no \"{}\"", need));
  }
  if (r.reason.empty()) r.reason = fmt::format("matched rule {}", r.name);
  if (r.escalate.empty()) r.escalate = "none";
  return r;
}

void parse_escalation(const locator& loc, const ndjson::member& em, escalation& esc) {
  if (em.kind != ndjson::kind::object) loc.fail(em.value, "escalation must be an object");
  std::vector<ndjson::member> ms;
  ndjson::members_of(em.value, ms);
  for (const auto& m : ms) {
    std::string k = key_text(m);
    if (k == "phone") esc.phone = string_list(loc, m, k);
    else if (k == "portal") esc.portal = string_list(loc, m, k);
    else if (k == "fallback") {
      esc.fallback = string_value(loc, m, k);
      if (esc.fallback != "portal" && esc.fallback != "phone" && esc.fallback != "none") {
        loc.fail(m.value, "fallback must be portal, phone or none");
      }
    } else {
      loc.fail(key_at(m), fmt::format("unknown key \"{}\" in escalation", k));
    }
  }
}

void write_list(json::writer& w, std::string_view key, const list& l) {
  if (l.empty()) return;
  w.key(key);
  w.begin_array();
  for (const auto& s : l) w.string(s);
  w.end_array();
}

void write_number(json::writer& w, std::string_view key, const std::optional<double>& v) {
  if (!v) return;
  w.key(key);
  w.raw(fmt::format("{}", *v));
}

}  // namespace

bool is_state(std::string_view s) { return std::find(std::begin(kStates), std::end(kStates), s) != std::end(kStates); }

bool is_escalate_mode(std::string_view s) {
  return std::find(std::begin(kEscalate), std::end(kEscalate), s) != std::end(kEscalate);
}

std::vector<rule> default_rules() {
  std::vector<rule> v;
  // Acknowledgments (999/997/TA1): the code of the ack, or accepted=false.
  v.push_back(make_ack("ack-accepted", {"A"}, "received", "wait", "monitor", "the file was accepted"));
  v.push_back(make_ack("ack-accepted-with-errors", {"E"}, "received", "review", "ack_errors",
                       "the file was accepted but the acknowledgment notes errors"));
  v.push_back(make_ack("ack-partly-rejected", {"P"}, "rejected", "correct_and_resubmit", "rejections",
                       "part of the file was rejected; fix the rejected sets and send them again"));
  v.push_back(make_ack("ack-rejected", {"R", "M", "W", "X"}, "rejected", "correct_and_resubmit", "rejections",
                       "the file was rejected; fix it and send it again"));
  v.push_back(
      make_ack("ack-other", {}, "unknown", "review", "review", "the acknowledgment code is not one the rules know"));

  rule batch = make("batch-rejected", {"A3", "A6", "A7", "A8"}, {}, "rejected", "correct_and_resubmit",
                    "batch_rejections", "the whole batch was rejected before adjudication; fix it and send it again");
  batch.types = {"batch_status"};
  v.push_back(std::move(batch));
  rule batch_ok = make("batch-received", {"A0", "A1", "A2", "A5"}, {}, "received", "wait", "monitor",
                       "the batch was received; claim-level statuses follow");
  batch_ok.types = {"batch_status"};
  v.push_back(std::move(batch_ok));

  // 686 voids the whole claim after adjudication, whatever the category.
  v.push_back(make("voided", {"F0", "F1", "F2", "F3", "F4"}, {"686"}, "finalized", "review_void", "voids",
                   "the payer voided the claim after adjudication (a payment is taken back); find out why and bill "
                   "again if it is owed"));
  // One STC saying paid (STC01) and denied (STC10/11), or two of the same
  // date: part was paid, part denied. Both need doing.
  rule partial = make("paid-partly-denied", {"F2"}, {}, "paid", "post_payment_and_appeal", "partial_payments",
                      "paid in part and denied in part; post the payment, then work the denied part");
  partial.also_categories = {"F1"};
  v.push_back(std::move(partial));
  // F2 by the family of its status code (code source 508): what the biller
  // does about the denial.
  v.push_back(make("denied-duplicate", {"F2"}, {"54", "78", "746"}, "denied", "check_original_claim", "denials",
                   "denied as a duplicate; find the first claim and check whether it was paid"));
  v.push_back(make("denied-other-payer", {"F2"}, {"28", "85", "114", "116", "171", "182", "283", "487", "516"},
                   "denied", "bill_other_payer", "cob",
                   "another payer is primary or should get the claim; bill it, or send its remittance with the claim"));
  v.push_back(make("denied-eligibility", {"F2"}, {"27", "83", "88", "89", "90", "91", "97", "108", "109", "483"},
                   "denied", "verify_coverage", "eligibility",
                   "no coverage for the patient on the date of service; check eligibility, then bill the right payer "
                   "or the patient"));
  v.push_back(make("denied-timely-filing", {"F2"}, {"718"}, "denied", "appeal", "denials",
                   "denied as filed too late; appeal with proof of timely filing"));
  v.push_back(make("denied-authorization", {"F2"}, {"48", "84", "93", "94", "252", "332", "674"}, "denied",
                   "appeal_with_authorization", "denials",
                   "denied for a missing authorization or referral; appeal with it, or ask for a retro authorization"));
  v.push_back(make("denied-medical-necessity", {"F2"}, {"260", "287", "411"}, "denied", "appeal_with_records",
                   "denials", "denied as not medically necessary; appeal with the medical records"));
  v.push_back(make("denied-coding", {"F2"},
                   {"10",  "11",  "12",  "13",  "14",  "15",  "254", "255", "258", "453", "454", "455",
                    "465", "474", "475", "477", "488", "490", "507", "508", "526", "700", "732", "735"},
                   "denied", "send_corrected_claim", "coding",
                   "denied for its codes (procedure, modifier, diagnosis, bundling); fix them and send a corrected "
                   "claim"));
  v.push_back(make("denied", {"F2"}, {}, "denied", "appeal", "denials", "the payer denied the claim"));
  v.push_back(make("paid", {"F1"}, {}, "paid", "post_payment", "payments", "the payer paid the claim"));
  v.push_back(make("patient-balance", {"F4"}, {"6", "98"}, "finalized", "bill_patient", "patient_balance",
                   "no payer payment; the balance is the patient's"));
  v.push_back(make("awaiting-payment-cycle", {"F0"}, {"3"}, "finalized", "wait", "monitor",
                   "adjudicated; payment comes with the next payment cycle"));
  v.push_back(make("forwarded", {"F3F"}, {}, "finalized", "wait", "crossover",
                   "finished here and forwarded to the next payer"));
  v.push_back(make("finalized", {"F0", "F3", "F3N", "F4", "F5"}, {}, "finalized", "review", "finalized",
                   "adjudication is complete without a plain payment or denial"));
  v.push_back(make("rejected", {"A3", "A6", "A7", "A8"}, {}, "rejected", "correct_and_resubmit", "rejections",
                   "rejected before adjudication; fix the claim and send it again"));
  v.push_back(make("not-found", {"A4"}, {}, "not_found", "verify_submission", "missing_claims",
                   "the payer has no record of the claim", "auto"));
  v.push_back(make("search-unsuccessful", {"D0"}, {}, "error", "fix_request", "request_errors",
                   "the status request's search data matched no claim; fix it and ask again", "preferred"));
  rule other_payer = make("waiting-on-other-payer", {"P0", "P1", "P2", "P3", "P4", "P5", "R*"}, {}, "needs_info",
                          "contact_other_payer", "cob",
                          "the payer waits on another payer; send that payer's remittance, or get it to answer");
  other_payer.entities = {"PRP", "SEP", "TTP"};
  v.push_back(std::move(other_payer));
  v.push_back(make("waiting-on-provider", {"P3"}, {}, "needs_info", "send_information", "info_requests",
                   "the payer is waiting for information from the provider"));
  v.push_back(make("waiting-on-patient", {"P4"}, {}, "needs_info", "contact_patient", "patient_follow_up",
                   "the payer is waiting for information from the patient"));
  v.push_back(make("information-request", {"R*"}, {}, "needs_info", "send_information", "info_requests",
                   "the payer asks for more information"));
  rule thin = make("pending-no-detail", {"P0", "P1", "P2", "P5"}, {"", "0"}, "pending", "escalate", "follow_up",
                   "pending with no detail available electronically", "auto");
  thin.channels = {"x12", "api"};
  v.push_back(std::move(thin));
  v.push_back(make("under-review", {"P2"}, {}, "pending", "wait", "monitor", "the payer is reviewing the claim"));
  v.push_back(make("pending", {"P0", "P1", "P5"}, {}, "pending", "wait", "monitor", "the claim is in process"));
  v.push_back(make("forwarded-to-entity", {"A0"}, {}, "received", "follow_up_with_entity", "forwarded",
                   "the claim was forwarded to the named entity; follow up there"));
  v.push_back(make("received", {"A1", "A2", "A5"}, {}, "received", "wait", "monitor", "the payer has the claim"));
  v.push_back(make("payer-unavailable", {"E1", "E2"}, {}, "error", "retry_later", "retry",
                   "the payer could not answer now; ask again later", "preferred"));
  v.push_back(make("request-error", {"E0", "E3", "E4"}, {}, "error", "fix_request", "request_errors",
                   "the status request had errors; fix it and ask again", "preferred"));
  v.push_back(make("no-recognised-status", {}, {}, "unknown", "review", "review", "no status the rules recognise"));
  return v;
}

rule_set default_rule_set() {
  rule_set rs;
  rs.rules = default_rules();
  return rs;
}

rule_set parse_rules(std::string_view text, const std::string& name) {
  locator loc{text, name};
  ndjson::parse_error err;
  if (!ndjson::validate(text, err)) {
    throw error(cli::exit_code::usage, fmt::format("{}: {}", loc.at(err.offset), err.message));
  }
  std::size_t start = text.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos || text[start] != '{')
    loc.fail(text.substr(start == std::string_view::npos ? 0 : start), "a rules file must be a JSON object");
  std::vector<ndjson::member> top;
  ndjson::members_of(text.substr(start), top);
  rule_set rs;
  bool defaults = true;
  std::vector<rule> user;
  for (const auto& m : top) {
    std::string k = key_text(m);
    if (k == "defaults") {
      if (m.kind != ndjson::kind::boolean) loc.fail(m.value, "defaults must be true or false");
      defaults = m.value == "true";
    } else if (k == "escalation") {
      parse_escalation(loc, m, rs.esc);
    } else if (k == "rules") {
      if (m.kind != ndjson::kind::array) loc.fail(m.value, "rules must be an array");
      std::vector<std::string_view> elems;
      ndjson::elements_of(m.value, elems);
      for (std::size_t i = 0; i < elems.size(); ++i) user.push_back(parse_rule(loc, elems[i], i));
    } else {
      loc.fail(key_at(m), fmt::format("unknown key \"{}\"", k));
    }
  }
  std::stable_partition(user.begin(), user.end(), [](const rule& r) { return !r.payers.empty(); });
  rs.rules = std::move(user);
  if (defaults) {
    for (auto& r : default_rules()) rs.rules.push_back(std::move(r));
  }
  return rs;
}

rule_set load_rules(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw error(cli::exit_code::io, fmt::format("{}: cannot open rules file", path));
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw error(cli::exit_code::io, fmt::format("{}: cannot read rules file", path));
  return parse_rules(ss.str(), path);
}

std::string to_json(const rule_set& rs) {
  std::string out;
  out += "{\n  \"defaults\": false,\n  \"escalation\": ";
  {
    json::writer w(out);
    w.begin_object();
    write_list(w, "phone", rs.esc.phone);
    write_list(w, "portal", rs.esc.portal);
    w.key("fallback");
    w.string(rs.esc.fallback);
    w.end_object();
  }
  out += ",\n  \"rules\": [\n";
  for (std::size_t i = 0; i < rs.rules.size(); ++i) {
    const rule& r = rs.rules[i];
    out += "    ";
    json::writer w(out);
    w.begin_object();
    w.key("name");
    w.string(r.name);
    write_list(w, "type", r.types);
    write_list(w, "channel", r.channels);
    write_list(w, "payer", r.payers);
    write_list(w, "category", r.categories);
    write_list(w, "code", r.codes);
    write_list(w, "entity", r.entities);
    write_list(w, "ack_code", r.ack_codes);
    write_list(w, "also_category", r.also_categories);
    write_number(w, "min_billed", r.min_billed);
    write_number(w, "max_billed", r.max_billed);
    write_number(w, "min_paid", r.min_paid);
    write_number(w, "max_paid", r.max_paid);
    w.key("state");
    w.string(r.state);
    w.key("action");
    w.string(r.action);
    w.key("queue");
    w.string(r.queue);
    w.key("reason");
    w.string(r.reason);
    w.key("escalate");
    w.string(r.escalate);
    w.end_object();
    out += i + 1 < rs.rules.size() ? ",\n" : "\n";
  }
  out += "  ]\n}\n";
  return out;
}

}  // namespace claimkit::status
