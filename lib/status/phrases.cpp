#include "status/phrases.hpp"

#include <cctype>

namespace claimkit::status {
namespace {

// Order does not matter (the longest match wins); grouped by outcome to keep
// the table reviewable. Documented in status-normalize(1), PHRASES.
constexpr phrase kPhrases[] = {
    // received / accepted
    {"received", "A1", "19", "PR"},
    {"claim received", "A1", "19", "PR"},
    {"acknowledged", "A1", "19", "PR"},
    {"accepted", "A2", "20", ""},
    {"accepted for processing", "A2", "20", ""},
    {"forwarded", "A0", "16", ""},
    {"sent to another payer", "A0", "16", ""},
    {"split claim", "A5", "717", ""},
    // pending
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
    // needs information
    {"need medical records", "R4", "297", ""},
    {"medical records requested", "R4", "297", ""},
    {"awaiting medical records", "R4", "297", ""},
    {"need itemized bill", "R4", "279", ""},
    {"itemized bill", "R4", "279", ""},
    {"awaiting itemized bill", "R4", "279", ""},
    {"need operative report", "R4", "298", ""},
    {"need authorization", "R4", "252", "1P"},
    {"need referral", "R4", "403", ""},
    {"additional information requested", "R0", "", ""},
    {"need more information", "R0", "", ""},
    {"need additional information", "R0", "", ""},
    {"need cob", "P4", "171", ""},
    {"cob", "P4", "171", ""},
    {"coordination of benefits", "P4", "171", ""},
    {"other insurance", "P4", "171", ""},
    {"need other insurance information", "P4", "171", ""},
    {"accident questionnaire", "P4", "365", ""},
    {"waiting on member", "P4", "", ""},
    {"waiting on patient", "P4", "", ""},
    {"waiting on provider", "P3", "", ""},
    // finalized
    {"adjudicated", "F0", "", ""},
    {"processed", "F0", "", ""},
    {"finalized", "F0", "", ""},
    {"closed", "F0", "", ""},
    {"approved", "F0", "3", ""},
    {"awaiting payment", "F0", "3", ""},
    {"payment pending", "F0", "3", ""},
    {"paid", "F1", "65", ""},
    {"paid in full", "F1", "67", ""},
    {"partially paid", "F1", "68", ""},
    {"partial payment", "F1", "68", ""},
    {"check issued", "F1", "65", ""},
    {"check mailed", "F1", "65", ""},
    {"payment issued", "F1", "65", ""},
    {"eft sent", "F1", "65", ""},
    {"applied to deductible", "F4", "98", ""},
    {"patient responsibility", "F4", "6", ""},
    {"zero paid", "F4", "", ""},
    {"paid zero", "F4", "", ""},
    {"adjusted", "F3", "", ""},
    {"crossed over", "F3F", "", ""},
    {"denied", "F2", "", ""},
    {"denial", "F2", "", ""},
    {"duplicate", "F2", "54", ""},
    {"duplicate claim", "F2", "54", ""},
    {"timely filing", "F2", "718", ""},
    {"not eligible", "F2", "88", "QC"},
    {"coverage terminated", "F2", "27", ""},
    {"policy cancelled", "F2", "27", ""},
    {"policy canceled", "F2", "27", ""},
    {"no authorization", "F2", "84", ""},
    {"not authorized", "F2", "84", ""},
    {"not primary", "F2", "85", "PR"},
    {"wrong payer", "F2", "116", ""},
    {"bundled", "F2", "735", ""},
    {"not medically necessary", "F2", "", ""},
    {"not covered", "F2", "", ""},
    {"non covered", "F2", "", ""},
    // rejected / not found / errors
    {"rejected", "A3", "", ""},
    {"returned", "A3", "", ""},
    {"missing information", "A6", "21", ""},
    {"invalid information", "A7", "21", ""},
    {"invalid member id", "A7", "164", "IL"},
    {"member not found", "A7", "33", ""},
    {"subscriber not found", "A7", "33", ""},
    {"corrected claim needed", "A7", "21", ""},
    {"not on file", "A4", "35", ""},
    {"no record", "A4", "35", ""},
    {"no claim on file", "A4", "35", ""},
    {"claim not found", "A4", "35", ""},
    {"not found", "A4", "35", ""},
    {"system unavailable", "E1", "484", ""},
    {"system down", "E1", "484", ""},
    {"try again later", "E2", "", ""},
};

bool is_word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

}  // namespace

std::span<const phrase> phrases() { return kPhrases; }

std::string normalize_text(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool gap = false;
  for (char c : text) {
    if (is_word_char(c)) {
      if (gap && !out.empty()) out.push_back(' ');
      gap = false;
      out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    } else {
      gap = true;
    }
  }
  return out;
}

const phrase* match_text(std::string_view text) {
  std::string norm = " " + normalize_text(text) + " ";
  const phrase* best = nullptr;
  for (const phrase& p : kPhrases) {
    std::string needle = " " + std::string(p.text) + " ";
    for (std::size_t at = norm.find(needle); at != std::string::npos; at = norm.find(needle, at + 1)) {
      // The word before the match, to skip negated phrases.
      std::size_t end = at;  // norm[at] is the space before the phrase
      std::size_t begin = norm.rfind(' ', end == 0 ? 0 : end - 1);
      std::string_view before = begin == std::string::npos || end == 0
                                    ? std::string_view()
                                    : std::string_view(norm).substr(begin + 1, end - begin - 1);
      if (before == "not" || before == "no" || before == "never") continue;
      if (best == nullptr || p.text.size() > best->text.size()) best = &p;
      break;
    }
  }
  return best;
}

}  // namespace claimkit::status
