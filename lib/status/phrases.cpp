#include "status/phrases.hpp"

#include <array>
#include <cctype>
#include <vector>

namespace claimkit::status {
namespace {

using k = phrase_kind;

// Order does not matter (see read_text); grouped by kind to keep the table
// reviewable. Documented in status-normalize(1), PHRASES, where a test
// checks that every entry is listed.
constexpr phrase kPhrases[] = {
    // process: how far the claim has come
    {"received", "A1", "19", "PR", k::process, "A4", "35"},
    {"claim received", "A1", "19", "PR", k::process, "A4", "35"},
    {"acknowledged", "A1", "19", "PR"},
    {"accepted", "A2", "20", ""},
    {"accepted for processing", "A2", "20", ""},
    {"split claim", "A5", "717", ""},
    {"pending", "P0", "", ""},
    {"in process", "P1", "20", ""},
    {"in progress", "P1", "20", ""},
    {"processing", "P1", "20", ""},
    {"being processed", "P1", "20", ""},
    {"not yet processed", "P1", "20", ""},
    {"not yet paid", "P1", "20", ""},
    {"under review", "P2", "46", ""},
    {"in review", "P2", "46", ""},
    {"medical review", "P2", "46", ""},
    {"pending review", "P2", "46", ""},
    {"under appeal", "P2", "46", ""},
    {"appeal received", "P2", "46", ""},
    {"reprocessing", "P2", "46", ""},
    {"being reprocessed", "P2", "46", ""},
    {"investigating other insurance", "P2", "52", ""},
    {"on hold", "P5", "", ""},
    {"suspended", "P5", "", ""},
    {"adjudicated", "F0", "", "", k::process, "P1", "20"},
    {"processed", "F0", "", "", k::process, "P1", "20"},
    {"processed as primary", "F0", "", "", k::process, "P1", "20"},
    {"finalized", "F0", "", "", k::process, "P1", "20"},
    {"closed", "F0", "", ""},
    {"approved", "F0", "3", ""},
    {"awaiting payment", "F0", "3", ""},
    {"payment pending", "F0", "3", ""},
    {"adjusted", "F3", "", ""},
    // forwarded to another payer: crossover after processing, else A0
    {"forwarded", "A0", "16", "", k::forward},
    {"forwarded to", "A0", "16", "", k::forward},
    {"sent to another payer", "A0", "16", "", k::forward},
    {"crossed over", "F3F", "", "", k::forward},
    {"crossover", "F3F", "", "", k::forward},
    // not found, errors
    {"not on file", "A4", "35", "", k::missing},
    {"no record", "A4", "35", "", k::missing},
    {"no claim on file", "A4", "35", "", k::missing},
    {"claim not found", "A4", "35", "", k::missing},
    {"not found", "A4", "35", "", k::missing},
    {"system unavailable", "E1", "484", "", k::missing},
    {"system down", "E1", "484", "", k::missing},
    {"try again later", "E2", "", "", k::missing},
    // requests: the payer waits for something (see kTriggers for the
    // items, which count only next to a word such as "pending")
    {"medical records", "R4", "297", "", k::request},
    {"records", "R4", "297", "", k::request},
    {"medical notes", "R4", "297", "", k::request},
    {"itemized bill", "R4", "279", "", k::request},
    {"itemized statement", "R4", "279", "", k::request},
    {"operative report", "R4", "298", "", k::request},
    {"authorization", "R4", "252", "1P", k::request},
    {"prior authorization", "R4", "252", "1P", k::request},
    {"referral", "R4", "403", "", k::request},
    {"information", "R0", "", "", k::request},
    {"info", "R0", "", "", k::request},
    {"additional information", "R0", "", "", k::request},
    {"more information", "R0", "", "", k::request},
    {"cob", "P4", "171", "", k::request},
    {"cob update", "P4", "171", "", k::request},
    {"coordination of benefits", "P4", "171", "", k::request},
    {"other insurance", "P4", "171", "", k::request},
    {"other insurance information", "P4", "171", "", k::request},
    {"accident questionnaire", "P4", "365", "", k::request},
    {"accident information", "P4", "365", "", k::request},
    {"eob", "P0", "516", "PRP", k::request},
    {"primary eob", "P0", "516", "PRP", k::request},
    {"explanation of benefits", "P0", "516", "PRP", k::request},
    {"waiting on member", "P4", "", "QC", k::request},
    {"waiting on patient", "P4", "", "QC", k::request},
    {"waiting on provider", "P3", "", "1P", k::request},
    // denial reasons: with "denied" they give the code, alone they deny
    {"duplicate", "F2", "54", "", k::reason},
    {"duplicate claim", "F2", "54", "", k::reason},
    {"timely filing", "F2", "718", "", k::reason},
    {"filed late", "F2", "718", "", k::reason},
    {"not eligible", "F2", "88", "QC", k::reason},
    {"ineligible", "F2", "88", "QC", k::reason},
    {"termed", "F2", "88", "QC", k::reason},
    {"terminated", "F2", "88", "QC", k::reason},
    {"coverage ended", "F2", "88", "QC", k::reason},
    {"eligibility ended", "F2", "88", "QC", k::reason},
    {"no coverage", "F2", "88", "QC", k::reason},
    {"no active coverage", "F2", "88", "QC", k::reason},
    {"coverage inactive", "F2", "88", "QC", k::reason},
    {"coverage not active", "F2", "88", "QC", k::reason},
    {"inactive coverage", "F2", "88", "QC", k::reason},
    {"coverage terminated", "F2", "27", "", k::reason},
    {"policy terminated", "F2", "27", "", k::reason},
    {"policy cancelled", "F2", "27", "", k::reason},
    {"policy canceled", "F2", "27", "", k::reason},
    {"no authorization", "F2", "84", "", k::reason},
    {"not authorized", "F2", "84", "", k::reason},
    {"authorization not on file", "F2", "84", "", k::reason},
    {"no authorization on file", "F2", "84", "", k::reason},
    {"no prior authorization", "F2", "84", "", k::reason},
    {"not primary", "F2", "85", "PR", k::reason},
    {"other insurance is primary", "F2", "85", "PR", k::reason},
    {"other insurance primary", "F2", "85", "PR", k::reason},
    {"bill primary", "F2", "85", "PR", k::reason},
    {"wrong payer", "F2", "116", "", k::reason},
    {"bundled", "F2", "735", "", k::reason},
    {"included in another service", "F2", "735", "", k::reason},
    {"invalid procedure code", "F2", "454", "", k::reason},
    {"invalid diagnosis code", "F2", "255", "", k::reason},
    {"invalid modifier", "F2", "453", "", k::reason},
    {"not medically necessary", "F2", "287", "", k::reason},
    {"medical necessity", "F2", "287", "", k::reason},
    {"not covered", "F2", "", "", k::reason},
    {"non covered", "F2", "", "", k::reason},
    // outcomes
    {"denied", "F2", "", "", k::denied},
    {"denial", "F2", "", "", k::denied},
    {"paid", "F1", "65", "", k::paid, "P1", "20", true},
    {"paid in full", "F1", "65", "", k::paid},
    {"partially paid", "F1", "65", "", k::paid},
    {"partial payment", "F1", "65", "", k::paid},
    {"check issued", "F1", "65", "", k::paid, "F0", "3", true},
    {"check mailed", "F1", "65", "", k::paid, "F0", "3", true},
    {"payment issued", "F1", "65", "", k::paid, "F0", "3", true},
    {"eft sent", "F1", "65", "", k::paid, "F0", "3", true},
    {"applied to deductible", "F4", "98", "", k::paid},
    {"patient responsibility", "F4", "6", "", k::paid},
    {"zero paid", "F4", "", "", k::paid},
    {"paid zero", "F4", "", "", k::paid},
    {"paid 0", "F4", "", "", k::paid},
    {"rejected", "A3", "", "", k::rejected},
    {"returned", "A3", "", "", k::rejected},
    {"missing information", "A6", "21", "", k::rejected},
    {"invalid information", "A7", "21", "", k::rejected},
    {"invalid member id", "A7", "164", "IL", k::rejected},
    {"member not found", "A7", "33", "", k::rejected},
    {"subscriber not found", "A7", "33", "", k::rejected},
    {"corrected claim needed", "A7", "21", "", k::rejected},
    {"voided", "F3", "686", "", k::voided},
    {"void", "F3", "686", "", k::voided},
    {"recouped", "F3", "686", "", k::voided},
};

// Words that make a request item ("medical records") a request; alone an
// item says nothing ("medical records received").
constexpr std::string_view kTriggers[] = {
    "pending",    "waiting", "awaiting", "await",    "need", "needs",  "needed", "requested", "request",
    "requesting", "require", "required", "requires", "send", "submit", "hold",   "missing",   "outstanding",
};

constexpr std::string_view kNegators[] = {
    "not",    "no",    "never", "nor",    "none", "hasnt", "havent", "hadnt",  "isnt",    "wasnt",
    "werent", "arent", "didnt", "doesnt", "dont", "wont",  "cant",   "cannot", "couldnt", "yet",
};

// Words after "from", "on", "for" or "by" that say who is waited on.
enum class who { none, provider, patient, payer };
struct who_word {
  std::string_view first, second;  // second may be empty
  who w;
};
constexpr who_word kWho[] = {
    {"provider", "", who::provider},  {"doctor", "", who::provider},      {"physician", "", who::provider},
    {"office", "", who::provider},    {"facility", "", who::provider},    {"hospital", "", who::provider},
    {"clinic", "", who::provider},    {"practice", "", who::provider},    {"you", "", who::provider},
    {"your", "", who::provider},      {"patient", "", who::patient},      {"member", "", who::patient},
    {"subscriber", "", who::patient}, {"insured", "", who::patient},      {"beneficiary", "", who::patient},
    {"enrollee", "", who::patient},   {"policyholder", "", who::patient}, {"guarantor", "", who::patient},
    {"other", "payer", who::payer},   {"other", "insurance", who::payer}, {"other", "carrier", who::payer},
    {"other", "plan", who::payer},    {"primary", "", who::payer},        {"secondary", "", who::payer},
    {"medicare", "", who::payer},     {"medicaid", "", who::payer},       {"prior", "carrier", who::payer},
};

template <std::size_t N>
bool one_of(const std::string_view (&list)[N], std::string_view w) {
  for (auto s : list) {
    if (s == w) return true;
  }
  return false;
}

bool is_word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

// An apostrophe (ASCII or U+2019) at i: its length, else 0.
std::size_t apostrophe_at(std::string_view s, std::size_t i) {
  if (s[i] == '\'') return 1;
  if (s.compare(i, 3, "\xE2\x80\x99") == 0) return 3;
  return 0;
}

struct token {
  std::string text;
  int clause = 0;
};

// Words, lowercased, each with the clause it is in (clauses end at . , ; :
// ! ? and brackets). "hasn't" is one word, "patient's" is "patient"; a
// date or number keeps its / - . between digits ("10/02/2026").
std::vector<token> tokenize(std::string_view s) {
  std::vector<token> out;
  int clause = 0;
  bool in_word = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (is_word_char(c)) {
      if (!in_word) out.push_back({{}, clause});
      in_word = true;
      out.back().text.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
      continue;
    }
    if (in_word) {
      if (std::size_t a = apostrophe_at(s, i); a != 0) {
        // possessive 's: dropped; otherwise the word goes on ("hasn't")
        std::size_t j = i + a;
        if (j < s.size() && (s[j] == 's' || s[j] == 'S') && (j + 1 == s.size() || !is_word_char(s[j + 1]))) {
          i = j;
          in_word = false;
          continue;
        }
        i = j - 1;
        continue;
      }
      if ((c == '/' || c == '-' || c == '.') && is_digit(out.back().text.back()) && i + 1 < s.size() &&
          is_digit(s[i + 1])) {
        out.back().text.push_back(c);
        continue;
      }
    }
    in_word = false;
    if (c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?' || c == '(' || c == ')' || c == '\n') {
      ++clause;
    }
  }
  return out;
}

// The table's phrases split into words, once.
const std::vector<std::vector<std::string_view>>& phrase_words() {
  static const auto words = [] {
    std::vector<std::vector<std::string_view>> v;
    for (const phrase& p : kPhrases) {
      std::vector<std::string_view> w;
      std::string_view t = p.text;
      while (!t.empty()) {
        std::size_t sp = t.find(' ');
        w.push_back(t.substr(0, sp));
        if (sp == std::string_view::npos) break;
        t.remove_prefix(sp + 1);
      }
      v.push_back(std::move(w));
    }
    return v;
  }();
  return words;
}

struct found {
  const phrase* p;
  std::size_t begin, end;  // token span
  bool negated = false, yet = false;
  std::string_view category, code, entity;  // what it says (after negation)
  phrase_kind kind;
};

// A negator up to three words before `begin` in the same clause, or "yet"
// right after `end`.
void negation(const std::vector<token>& t, std::size_t begin, std::size_t end, bool& negated, bool& yet) {
  int clause = t[begin].clause;
  for (std::size_t i = begin, n = 0; i > 0 && n < 3; --i, ++n) {
    const token& w = t[i - 1];
    if (w.clause != clause) break;
    if (one_of(kNegators, w.text)) {
      negated = true;
      if (w.text == "yet") yet = true;
    }
  }
  if (end < t.size() && t[end].clause == clause && t[end].text == "yet") negated = yet = true;
  if (negated && !yet) {
    // "not yet been paid": the yet may sit after the negator
    for (std::size_t i = begin, n = 0; i > 0 && n < 3; --i, ++n) {
      if (t[i - 1].clause == clause && t[i - 1].text == "yet") yet = true;
    }
  }
}

bool number_like(std::string_view w) {
  std::size_t digits = 0;
  bool sep = false;
  for (char c : w) {
    if (is_digit(c)) ++digits;
    else if (c == '/' || c == '-') sep = true;
  }
  return digits >= 4 || (sep && digits >= 2);
}

// "check 4471920", "EFT trace 55512", "check was mailed on 10/02":
// a check or EFT with a number, a date or a mailing word after it.
// Returns 1 paid, -1 negated, 0 nothing said.
int check_evidence(const std::vector<token>& t, bool& yet) {
  static constexpr std::string_view kTrigger[] = {"check", "cheque", "eft", "ach"};
  static constexpr std::string_view kEvidence[] = {"number",  "mailed", "issued",   "sent",  "cut",
                                                   "cleared", "cashed", "released", "dated", "date"};
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (!one_of(kTrigger, t[i].text)) continue;
    for (std::size_t j = i + 1; j < t.size() && j <= i + 4 && t[j].clause == t[i].clause; ++j) {
      if (!number_like(t[j].text) && !one_of(kEvidence, t[j].text)) continue;
      bool negated = false;
      negation(t, i, j + 1, negated, yet);
      for (std::size_t m = i + 1; m < j; ++m) {
        if (one_of(kNegators, t[m].text)) {
          negated = true;
          if (t[m].text == "yet") yet = true;
        }
      }
      return negated ? -1 : 1;
    }
  }
  return 0;
}

// Who is waited on: (from|on|for|by) [the|a|an] WHO.
who waited_on(const std::vector<token>& t) {
  for (std::size_t i = 0; i + 1 < t.size(); ++i) {
    const std::string& w = t[i].text;
    if (w != "from" && w != "on" && w != "for" && w != "by") continue;
    std::size_t j = i + 1;
    if (t[j].text == "the" || t[j].text == "a" || t[j].text == "an") ++j;
    if (j >= t.size()) break;
    for (const who_word& ww : kWho) {
      if (t[j].text != ww.first) continue;
      if (!ww.second.empty() && (j + 1 >= t.size() || t[j + 1].text != ww.second)) continue;
      return ww.w;
    }
  }
  return who::none;
}

// How far along a process word says the claim is.
int stage(std::string_view category, std::string_view code) {
  if (category == "F0") return code == "3" ? 8 : 7;
  if (category == "F3") return 6;
  if (category == "P5" || category == "P2") return 5;
  if (category == "P1") return 4;
  if (category == "P0") return 3;
  if (category == "A5" || category == "A2") return 2;
  return 1;
}

// The most specific of the matches of one kind: most words, then first.
const found* best_of(const std::vector<found>& fs, phrase_kind kind) {
  const found* best = nullptr;
  for (const auto& f : fs) {
    if (f.kind != kind) continue;
    if (best == nullptr || f.end - f.begin > best->end - best->begin) best = &f;
  }
  return best;
}

reading from(const found& f) { return reading{f.category, f.code, f.entity, {}, {}}; }

}  // namespace

std::span<const phrase> phrases() { return kPhrases; }

std::string normalize_text(std::string_view text) {
  std::string out;
  for (const token& t : tokenize(text)) {
    if (!out.empty()) out.push_back(' ');
    for (char c : t.text) out.push_back(is_word_char(c) ? c : ' ');
  }
  return out;
}

reading read_text(std::string_view text) {
  const std::vector<token> t = tokenize(text);
  const auto& words = phrase_words();
  std::vector<found> all;
  for (std::size_t pi = 0; pi < std::size(kPhrases); ++pi) {
    const auto& pw = words[pi];
    for (std::size_t i = 0; i + pw.size() <= t.size(); ++i) {
      bool same = true;
      for (std::size_t j = 0; j < pw.size() && same; ++j) same = t[i + j].text == pw[j];
      if (same) all.push_back(found{&kPhrases[pi], i, i + pw.size(), false, false, {}, {}, {}, kPhrases[pi].kind});
    }
  }
  // A phrase inside a longer one is the longer one's ("paid in full",
  // "claim not found", "authorization not on file").
  std::vector<found> fs;
  for (const auto& a : all) {
    bool inside = false;
    for (const auto& b : all) {
      if (&a != &b && b.begin <= a.begin && a.end <= b.end && b.end - b.begin > a.end - a.begin) inside = true;
    }
    if (!inside) fs.push_back(a);
  }
  bool unpaid_yet = false;
  std::vector<found> said;
  for (auto& f : fs) {
    negation(t, f.begin, f.end, f.negated, f.yet);
    if (f.p->text == "not yet paid") unpaid_yet = true;
    if (f.kind == phrase_kind::request) {
      bool trigger = false;
      for (std::size_t i = 0; i < t.size(); ++i) {
        if (t[i].clause != t[f.begin].clause || !one_of(kTriggers, t[i].text)) continue;
        bool neg = false, y = false;
        negation(t, i, i + 1, neg, y);
        if (!neg) trigger = true;
      }
      if (!trigger) continue;
    }
    if (f.negated) {
      if (f.p->negated_category.empty() || (f.p->negated_needs_yet && !f.yet)) continue;
      if (f.kind == phrase_kind::paid && f.p->category == "F1" && f.p->negated_category == "P1") unpaid_yet = true;
      f.category = f.p->negated_category;
      f.code = f.p->negated_code;
      f.kind = f.category == "A4" ? phrase_kind::missing : phrase_kind::process;
    } else {
      f.category = f.p->category;
      f.code = f.p->code;
      f.entity = f.p->entity;
    }
    said.push_back(f);
  }
  bool yet = false;
  int check = check_evidence(t, yet);

  const found* rejected = best_of(said, phrase_kind::rejected);
  const found* voided = best_of(said, phrase_kind::voided);
  const found* denied = best_of(said, phrase_kind::denied);
  const found* reason = best_of(said, phrase_kind::reason);
  const found* paid = best_of(said, phrase_kind::paid);
  const found* request = best_of(said, phrase_kind::request);
  const found* forward = best_of(said, phrase_kind::forward);
  const found* missing = best_of(said, phrase_kind::missing);
  static constexpr phrase kCheck{"check", "F1", "65", "", phrase_kind::paid};
  found check_found{&kCheck, 0, 0, false, false, "F1", "65", "", phrase_kind::paid};
  if (paid == nullptr && check > 0) paid = &check_found;

  if (rejected != nullptr) {
    // Rejected and paid at once is not a status anyone can act on.
    if (paid != nullptr) return {};
    return from(*rejected);
  }
  if (voided != nullptr) return from(*voided);
  if (denied != nullptr || reason != nullptr) {
    reading r{"F2", {}, {}, {}, {}};
    if (reason != nullptr) {
      r.code = reason->code;
      r.entity = reason->entity;
    } else if (request != nullptr) {
      r.code = request->code;  // "denied, need itemized bill": denied for it
    }
    // Paid and denied in one sentence: the denial decides, the payment goes with it.
    if (paid != nullptr && paid->category == "F1") return reading{"F2", r.code, r.entity, "F1", "65"};
    return r;
  }
  if (paid != nullptr) return from(*paid);
  if (check < 0 && yet) return reading{"F0", "3", {}, {}, {}};
  if (request != nullptr) {
    reading r = from(*request);
    who w = waited_on(t);
    who dflt = r.category == "P4" ? who::patient : r.entity == "PRP" ? who::payer : who::provider;
    if (w != who::none && w != dflt) {
      if (w == who::provider) r = {"P3", r.code, "1P", {}, {}};
      else if (w == who::patient) r = {"P4", r.code, "QC", {}, {}};
      else r = {"P0", r.code, "PRP", {}, {}};
    }
    return r;
  }
  const found* process = nullptr;
  for (const auto& f : said) {
    if (f.kind != phrase_kind::process) continue;
    if (process == nullptr || stage(f.category, f.code) > stage(process->category, process->code)) process = &f;
  }
  if (forward != nullptr) {
    // Forwarded after processing is a crossover; forwarded alone, A0.
    if (forward->category == "F3F" || (process != nullptr && stage(process->category, process->code) >= 6)) {
      return reading{"F3F", {}, {}, {}, {}};
    }
    return from(*forward);
  }
  if (missing != nullptr) return from(*missing);
  if (process == nullptr) return {};
  if (process->category == "F0" && process->code.empty() && unpaid_yet) return reading{"F0", "3", {}, {}, {}};
  return from(*process);
}

}  // namespace claimkit::status
