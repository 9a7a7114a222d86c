#include "query/build_276.hpp"

#include <map>

#include <fmt/format.h>

#include "dates/civil.hpp"
#include "dates/instant.hpp"
#include "x12/values.hpp"

namespace claimkit::query {
namespace {

// X12 delimiters this writer uses: element, component, repetition, segment.
constexpr std::string_view kDelimiters = "*:^~";

/// Why text cannot go into an X12 element, or nullptr when it can (the
/// caller checks the maximum length, to name it).
const char* text_problem(std::string_view v, std::size_t min_len) {
  if (v.size() < min_len) return min_len == 2 ? "shorter than 2 characters" : "empty";
  for (char c : v) {
    auto u = static_cast<unsigned char>(c);
    if (kDelimiters.find(c) != std::string_view::npos) return "contains an X12 delimiter character (* : ^ ~)";
    if (u < 0x20 || u > 0x7e) return "contains a character outside printable ASCII";
  }
  return nullptr;
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

/// Collects problems while reading one record; fields are named by path.
class claim_reader {
 public:
  std::vector<std::string> problems;

  void problem(std::string_view field, std::string_view what) {
    problems.push_back(fmt::format("{}: {}", field, what));
  }

  /// A string member; false when absent (or empty). A present value of the
  /// wrong kind or with bad characters is a problem.
  bool text(const std::vector<ndjson::member>& ms, std::string_view key, std::string_view path, std::size_t min_len,
            std::size_t max_len, std::string& out) {
    out.clear();
    const ndjson::member* m = ndjson::find(ms, key);
    if (m == nullptr || m->kind == ndjson::kind::null) return false;
    if (m->kind != ndjson::kind::string) {
      problem(path, "must be a string");
      return false;
    }
    ndjson::unescape(m->value.substr(1, m->value.size() - 2), out);
    if (out.empty()) return false;
    if (const char* p = text_problem(out, min_len)) {
      problem(path, p);
      out.clear();
      return false;
    }
    if (out.size() > max_len) {
      problem(path, fmt::format("longer than {} characters", max_len));
      out.clear();
      return false;
    }
    return true;
  }

  bool required_text(const std::vector<ndjson::member>& ms, std::string_view key, std::string_view path,
                     std::size_t min_len, std::size_t max_len, std::string& out) {
    std::size_t before = problems.size();
    if (text(ms, key, path, min_len, max_len, out)) return true;
    if (problems.size() == before) problem(path, "missing");
    return false;
  }

  void date(const std::vector<ndjson::member>& ms, std::string_view key, std::string_view path, std::string& out) {
    if (!text(ms, key, path, 1, 10, out)) return;
    if (!is_date(out)) {
      problem(path, "not a valid date (want YYYY-MM-DD)");
      out.clear();
    }
  }

  /// An amount or count: a JSON number written as an X12 decimal (its digits
  /// copied as they are).
  bool decimal(const std::vector<ndjson::member>& ms, std::string_view key, std::string_view path, bool positive,
               std::string& out) {
    out.clear();
    const ndjson::member* m = ndjson::find(ms, key);
    if (m == nullptr || m->kind == ndjson::kind::null) return false;
    if (m->kind != ndjson::kind::number) {
      problem(path, "must be a number");
      return false;
    }
    std::string_view v = m->value;
    if (v.find_first_of("eE") != std::string_view::npos) {
      problem(path, "must be written without an exponent");
      return false;
    }
    if (v.front() == '-') {
      problem(path, "must not be negative");
      return false;
    }
    std::size_t digits = 0;
    bool nonzero = false;
    for (char c : v) {
      if (c >= '0' && c <= '9') {
        ++digits;
        if (c != '0') nonzero = true;
      }
    }
    if (digits > 18) {
      problem(path, "has more than 18 digits");
      return false;
    }
    if (positive && !nonzero) {
      problem(path, "must be greater than zero");
      return false;
    }
    out.assign(v);
    return true;
  }

  /// A nested object; false when absent.
  bool object(const std::vector<ndjson::member>& ms, std::string_view key, std::vector<ndjson::member>& out) {
    out.clear();
    const ndjson::member* m = ndjson::find(ms, key);
    if (m == nullptr || m->kind == ndjson::kind::null) return false;
    if (m->kind != ndjson::kind::object) {
      problem(key, "must be an object");
      return false;
    }
    ndjson::members_of(m->value, out);
    return true;
  }

  void person(const std::vector<ndjson::member>& ms, std::string_view prefix, bool needs_member_id, bool needs_dmg,
              person_276& p) {
    std::string path;
    auto at = [&](std::string_view k) -> const std::string& {
      path = fmt::format("{}.{}", prefix, k);
      return path;
    };
    if (needs_member_id) {
      required_text(ms, "member_id", at("member_id"), 2, 80, p.member_id);
    } else {
      text(ms, "member_id", at("member_id"), 2, 80, p.member_id);
    }
    required_text(ms, "last_name", at("last_name"), 1, 60, p.last_name);
    text(ms, "first_name", at("first_name"), 1, 35, p.first_name);
    if (needs_dmg) {
      std::size_t before = problems.size();
      date(ms, "dob", at("dob"), p.dob);
      if (p.dob.empty() && problems.size() == before) problem(at("dob"), "missing");
      if (required_text(ms, "gender", at("gender"), 1, 1, p.gender) && p.gender != "M" && p.gender != "F" &&
          p.gender != "U") {
        problem(at("gender"), "must be M, F or U");
      }
    }
  }
};

/// Builds segments, dropping trailing empty elements as X12 requires, and
/// counts them for SE01.
class segment_writer {
 public:
  explicit segment_writer(std::string& out) : out_(out) {}

  void write(std::initializer_list<std::string_view> elements) {
    std::size_t last = 0, i = 0;
    for (auto e : elements) {
      ++i;
      if (!e.empty()) last = i;
    }
    i = 0;
    for (auto e : elements) {
      if (i == last) break;
      if (i > 0) out_.push_back('*');
      out_.append(e);
      ++i;
    }
    out_.append("~\n");
    ++count_;
  }
  std::size_t count() const { return count_; }
  void reset_count() { count_ = 0; }

 private:
  std::string& out_;
  std::size_t count_ = 0;
};

std::string composite(const std::vector<std::string_view>& parts) {
  std::size_t last = 0;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (!parts[i].empty()) last = i + 1;
  }
  std::string s;
  for (std::size_t i = 0; i < last; ++i) {
    if (i > 0) s.push_back(':');
    s.append(parts[i]);
  }
  return s;
}

std::string key_of(std::initializer_list<std::string_view> parts) {
  std::string k;
  for (auto p : parts) {
    k.append(p);
    k.push_back('\x1f');
  }
  return k;
}

struct dependent_node {
  const person_276* patient = nullptr;
  std::vector<const claim_276*> claims;
};
struct subscriber_node {
  const person_276* subscriber = nullptr;
  bool is_patient = false;
  std::vector<const claim_276*> claims;  // when the subscriber is the patient
  std::vector<dependent_node> dependents;
  std::map<std::string, std::size_t> index;
};
struct provider_node {
  const claim_276* first = nullptr;
  std::vector<subscriber_node> subscribers;
  std::map<std::string, std::size_t> index;
};
struct payer_node {
  const claim_276* first = nullptr;
  std::vector<provider_node> providers;
  std::map<std::string, std::size_t> index;
};

template <class Node>
Node& child(std::vector<Node>& nodes, std::map<std::string, std::size_t>& index, const std::string& key) {
  auto [it, inserted] = index.emplace(key, nodes.size());
  if (inserted) nodes.emplace_back();
  return nodes[it->second];
}

void write_claim(segment_writer& w, const claim_276& c) {
  w.write({"TRN", "1", c.trace});
  if (!c.payer_claim_id.empty()) w.write({"REF", "1K", c.payer_claim_id});
  if (!c.bill_type.empty()) w.write({"REF", "BLT", c.bill_type});
  if (!c.patient_account_number.empty()) w.write({"REF", "EJ", c.patient_account_number});
  if (!c.billed_amount.empty()) w.write({"AMT", "T3", c.billed_amount});
  if (!c.service_from.empty()) {
    if (c.service_to.empty() || c.service_to == c.service_from) {
      w.write({"DTP", "472", "D8", dates::iso_to_d8(c.service_from)});
    } else {
      w.write({"DTP", "472", "RD8", dates::iso_to_d8(c.service_from) + "-" + dates::iso_to_d8(c.service_to)});
    }
  }
  for (const auto& l : c.lines) {
    std::vector<std::string_view> proc;
    std::string_view revenue = l.revenue_code;
    if (!l.procedure.empty()) {
      proc.push_back(l.procedure_qualifier.empty() ? std::string_view("HC") : std::string_view(l.procedure_qualifier));
      proc.push_back(l.procedure);
      for (const auto& m : l.modifiers) proc.push_back(m);
    } else {
      // A revenue code alone is the procedure, qualified NU.
      proc.push_back("NU");
      proc.push_back(l.revenue_code);
      revenue = {};
    }
    w.write({"SVC", composite(proc), l.billed_amount, "", revenue, "", "", l.units});
    if (!l.line_id.empty()) w.write({"REF", "FJ", l.line_id});
    if (!l.service_date.empty()) w.write({"DTP", "472", "D8", dates::iso_to_d8(l.service_date)});
  }
}

void write_dmg(segment_writer& w, const person_276& p) { w.write({"DMG", "D8", dates::iso_to_d8(p.dob), p.gender}); }

}  // namespace

bool is_date(std::string_view s) {
  dates::day_number d;
  return dates::parse(s, d);
}

std::vector<std::string> check_envelope(const envelope_settings& env) {
  std::vector<std::string> out;
  auto check = [&](std::string_view v, std::string_view what, std::string_view where, std::size_t min_len,
                   std::size_t max_len, bool required) {
    if (v.empty()) {
      if (required) out.push_back(fmt::format("{} is required ({})", what, where));
      return;
    }
    const char* p = text_problem(v, 1);
    if (p != nullptr) {
      out.push_back(fmt::format("{} {}", what, p));
    } else if (v.size() < min_len || v.size() > max_len) {
      out.push_back(fmt::format("{} must be {} to {} characters", what, min_len, max_len));
    }
  };
  check(env.sender_id, "sender id", "--sender-id or [sender] id in the config file", 1, 15, true);
  check(env.receiver_id, "receiver id", "--receiver-id or [receiver] id in the config file", 1, 15, true);
  check(env.sender_qualifier, "sender qualifier", "--sender-qualifier or [sender] qualifier", 2, 2, true);
  check(env.receiver_qualifier, "receiver qualifier", "--receiver-qualifier or [receiver] qualifier", 2, 2, true);
  check(env.sender_application_code, "sender application code", "", 2, 15, false);
  check(env.receiver_application_code, "receiver application code", "", 2, 15, false);
  check(env.info_receiver_name, "sender name",
        "--sender-name or [sender] name in the config file; it names the information receiver", 1, 60, true);
  check(env.info_receiver_id, "sender ETIN", "", 2, 80, false);
  return out;
}

std::string read_claim(std::string_view object_text, std::string_view trace_field, claim_276& out) {
  std::vector<ndjson::member> ms;
  ndjson::parse_error err;
  if (!ndjson::parse_object(object_text, ms, err)) return "not a JSON object";
  return read_claim(ms, trace_field, out);
}

std::string read_claim(const std::vector<ndjson::member>& ms, std::string_view trace_field, claim_276& c) {
  c = claim_276{};
  claim_reader r;
  std::vector<ndjson::member> sub;

  r.required_text(ms, trace_field, trace_field, 1, 50, c.trace);
  r.required_text(ms, "payer_id", "payer_id", 2, 80, c.payer_id);
  r.required_text(ms, "payer_name", "payer_name", 1, 60, c.payer_name);

  if (r.object(ms, "provider", sub)) {
    std::size_t before = r.problems.size();
    r.required_text(sub, "name", "provider.name", 1, 60, c.provider_name);
    if (r.text(sub, "npi", "provider.npi", 1, 10, c.provider_npi) && !x12::valid_npi(c.provider_npi)) {
      r.problem("provider.npi", all_digits(c.provider_npi) && c.provider_npi.size() == 10 ? "check digit is wrong"
                                                                                          : "must be 10 digits");
      c.provider_npi.clear();
    }
    if (r.text(sub, "tax_id", "provider.tax_id", 1, 9, c.provider_tax_id) &&
        (c.provider_tax_id.size() != 9 || !all_digits(c.provider_tax_id))) {
      r.problem("provider.tax_id", "must be 9 digits");
      c.provider_tax_id.clear();
    }
    bool id_problem = false;
    for (std::size_t i = before; i < r.problems.size(); ++i) {
      id_problem =
          id_problem || r.problems[i].starts_with("provider.npi") || r.problems[i].starts_with("provider.tax_id");
    }
    if (c.provider_npi.empty() && c.provider_tax_id.empty() && !id_problem)
      r.problem("provider", "needs npi or tax_id");
  } else if (ndjson::find(ms, "provider") == nullptr) {
    r.problem("provider", "missing");
  }

  std::vector<ndjson::member> pat;
  c.has_patient = r.object(ms, "patient", pat);
  if (r.object(ms, "subscriber", sub)) {
    r.person(sub, "subscriber", true, !c.has_patient, c.subscriber);
  } else if (ndjson::find(ms, "subscriber") == nullptr) {
    r.problem("subscriber", "missing");
  }
  if (c.has_patient) r.person(pat, "patient", false, true, c.patient);

  r.date(ms, "service_from", "service_from", c.service_from);
  r.date(ms, "service_to", "service_to", c.service_to);
  if (!c.service_to.empty()) {
    if (c.service_from.empty()) {
      if (ndjson::find(ms, "service_from") == nullptr) r.problem("service_to", "given without service_from");
    } else if (c.service_to < c.service_from) {
      r.problem("service_to", "before service_from");
    }
  }
  r.decimal(ms, "billed_amount", "billed_amount", false, c.billed_amount);
  r.text(ms, "payer_claim_id", "payer_claim_id", 1, 50, c.payer_claim_id);
  if (r.text(ms, "bill_type", "bill_type", 1, 3, c.bill_type) &&
      (c.bill_type.size() != 3 || !all_digits(c.bill_type))) {
    r.problem("bill_type", "must be 3 digits (facility type and frequency)");
  }
  r.text(ms, "patient_account_number", "patient_account_number", 1, 50, c.patient_account_number);

  bool every_line_dated = true;
  if (const ndjson::member* lm = ndjson::find(ms, "lines"); lm != nullptr && lm->kind != ndjson::kind::null) {
    if (lm->kind != ndjson::kind::array) {
      r.problem("lines", "must be an array");
    } else {
      std::vector<std::string_view> elems;
      ndjson::elements_of(lm->value, elems);
      std::vector<ndjson::member> lms;
      for (std::size_t i = 0; i < elems.size(); ++i) {
        std::string p = fmt::format("lines[{}]", i);
        if (elems[i].empty() || elems[i].front() != '{') {
          r.problem(p, "must be an object");
          continue;
        }
        ndjson::members_of(elems[i], lms);
        line_276 l;
        auto at = [&](std::string_view k) { return fmt::format("{}.{}", p, k); };
        r.text(lms, "line_id", at("line_id"), 1, 50, l.line_id);
        r.text(lms, "procedure", at("procedure"), 1, 48, l.procedure);
        if (r.text(lms, "procedure_qualifier", at("procedure_qualifier"), 2, 2, l.procedure_qualifier)) {
          static constexpr std::string_view kQualifiers[] = {"AD", "ER", "HC", "HP", "IV", "N4", "NU", "WK"};
          bool known = false;
          for (auto q : kQualifiers) known = known || q == l.procedure_qualifier;
          if (!known) r.problem(at("procedure_qualifier"), "must be one of AD, ER, HC, HP, IV, N4, NU, WK");
        }
        r.text(lms, "revenue_code", at("revenue_code"), 1, 48, l.revenue_code);
        if (l.procedure.empty() && l.revenue_code.empty() && ndjson::find(lms, "procedure") == nullptr &&
            ndjson::find(lms, "revenue_code") == nullptr) {
          r.problem(p, "needs procedure or revenue_code");
        }
        if (const ndjson::member* mm = ndjson::find(lms, "modifiers");
            mm != nullptr && mm->kind != ndjson::kind::null) {
          std::vector<std::string_view> mods;
          if (mm->kind == ndjson::kind::array) ndjson::elements_of(mm->value, mods);
          bool ok = mm->kind == ndjson::kind::array && mods.size() <= 4;
          std::string m;
          for (auto e : mods) {
            if (e.size() < 2 || e.front() != '"') {
              ok = false;
              break;
            }
            ndjson::unescape(e.substr(1, e.size() - 2), m);
            if (m.size() != 2 || text_problem(m, 1) != nullptr) {
              ok = false;
              break;
            }
            l.modifiers.push_back(m);
          }
          if (!ok) r.problem(at("modifiers"), "must be an array of at most 4 two-character codes");
          if (ok && !l.modifiers.empty() && l.procedure.empty()) r.problem(at("modifiers"), "given without procedure");
        }
        std::size_t before = r.problems.size();
        if (!r.decimal(lms, "billed_amount", at("billed_amount"), false, l.billed_amount) &&
            r.problems.size() == before) {
          r.problem(at("billed_amount"), "missing");
        }
        r.decimal(lms, "units", at("units"), true, l.units);
        r.date(lms, "service_date", at("service_date"), l.service_date);
        if (ndjson::find(lms, "service_date") == nullptr) every_line_dated = false;
        c.lines.push_back(std::move(l));
      }
      if (elems.empty()) every_line_dated = false;
    }
  } else {
    every_line_dated = false;
  }
  if (ndjson::find(ms, "service_from") == nullptr && !every_line_dated) {
    r.problem("service_from", "missing (needed unless every line has a service_date)");
  }

  std::string msg;
  for (const auto& p : r.problems) {
    if (!msg.empty()) msg += "; ";
    msg += p;
  }
  return msg;
}

void write_interchange(std::string& out, const envelope_settings& env, std::uint64_t control,
                       const std::vector<claim_276>& claims) {
  const dates::utc_time at = dates::utc_of(dates::instant{env.timestamp, 0});
  std::string date8 = dates::format_d8(at.day);
  std::string time4 = fmt::format("{:02}{:02}", at.hour, at.minute);
  std::string isa13 = fmt::format("{:09}", control);
  std::string gs06 = fmt::format("{}", control);
  std::string st02 = fmt::format("{:04}", control);

  out += fmt::format("ISA*00*{:10}*00*{:10}*{}*{:<15}*{}*{:<15}*{}*{}*^*00501*{}*0*{}*:~\n", "", "",
                     env.sender_qualifier, env.sender_id, env.receiver_qualifier, env.receiver_id, date8.substr(2),
                     time4, isa13, env.test ? 'T' : 'P');
  segment_writer w(out);
  w.write({"GS", "HR", env.sender_application_code.empty() ? env.sender_id : env.sender_application_code,
           env.receiver_application_code.empty() ? env.receiver_id : env.receiver_application_code, date8, time4, gs06,
           "X", "005010X212"});
  w.reset_count();
  w.write({"ST", "276", st02, "005010X212"});
  w.write({"BHT", "0010", "13", gs06, date8, time4});

  std::vector<payer_node> payers;
  std::map<std::string, std::size_t> payer_index;
  for (const auto& c : claims) {
    payer_node& pn = child(payers, payer_index, key_of({c.payer_id, c.payer_name}));
    if (pn.first == nullptr) pn.first = &c;
    provider_node& prn = child(pn.providers, pn.index, key_of({c.provider_npi, c.provider_tax_id, c.provider_name}));
    if (prn.first == nullptr) prn.first = &c;
    const person_276& s = c.subscriber;
    subscriber_node& sn = child(prn.subscribers, prn.index,
                                key_of({c.has_patient ? "D" : "S", s.member_id, s.last_name, s.first_name,
                                        c.has_patient ? "" : s.dob, c.has_patient ? "" : s.gender}));
    if (sn.subscriber == nullptr) {
      sn.subscriber = &s;
      sn.is_patient = !c.has_patient;
    }
    if (c.has_patient) {
      const person_276& p = c.patient;
      dependent_node& dn =
          child(sn.dependents, sn.index, key_of({p.member_id, p.last_name, p.first_name, p.dob, p.gender}));
      if (dn.patient == nullptr) dn.patient = &p;
      dn.claims.push_back(&c);
    } else {
      sn.claims.push_back(&c);
    }
  }

  std::size_t hl = 0;
  std::string id, parent;
  auto hl_segment = [&](std::size_t parent_id, std::string_view level, std::string_view child_code) {
    ++hl;
    id = fmt::format("{}", hl);
    parent = parent_id == 0 ? std::string() : fmt::format("{}", parent_id);
    w.write({"HL", id, parent, level, child_code});
    return hl;
  };
  std::string info_id = env.info_receiver_id.empty() ? env.sender_id : env.info_receiver_id;
  for (const auto& pn : payers) {
    std::size_t payer_hl = hl_segment(0, "20", "1");
    w.write({"NM1", "PR", "2", pn.first->payer_name, "", "", "", "", "PI", pn.first->payer_id});
    std::size_t receiver_hl = hl_segment(payer_hl, "21", "1");
    w.write({"NM1", "41", "2", env.info_receiver_name, "", "", "", "", "46", info_id});
    for (const auto& prn : pn.providers) {
      std::size_t provider_hl = hl_segment(receiver_hl, "19", "1");
      const claim_276& pc = *prn.first;
      bool npi = !pc.provider_npi.empty();
      w.write({"NM1", "1P", "2", pc.provider_name, "", "", "", "", npi ? "XX" : "FI",
               npi ? pc.provider_npi : pc.provider_tax_id});
      for (const auto& sn : prn.subscribers) {
        const person_276& s = *sn.subscriber;
        std::size_t sub_hl = hl_segment(provider_hl, "22", sn.is_patient ? "0" : "1");
        if (sn.is_patient) write_dmg(w, s);
        w.write({"NM1", "IL", "1", s.last_name, s.first_name, "", "", "", "MI", s.member_id});
        for (const claim_276* c : sn.claims) write_claim(w, *c);
        for (const auto& dn : sn.dependents) {
          hl_segment(sub_hl, "23", "");
          write_dmg(w, *dn.patient);
          // 005010X212 carries no identifier for a dependent: name, birth date and gender identify them.
          w.write({"NM1", "QC", "1", dn.patient->last_name, dn.patient->first_name});
          for (const claim_276* c : dn.claims) write_claim(w, *c);
        }
      }
    }
  }
  std::string count = fmt::format("{}", w.count() + 1);
  w.write({"SE", count, st02});
  w.write({"GE", "1", gs06});
  w.write({"IEA", "1", isa13});
}

}  // namespace claimkit::query
