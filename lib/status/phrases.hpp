#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace claimkit::status {

/// What a phrase is, for the order in which a sentence is read (see
/// status-normalize(1), PHRASES): outcomes outrank requests, which outrank
/// process words.
enum class phrase_kind : std::uint8_t {
  process,   // received, accepted, in process, processed, finalized, pending
  forward,   // forwarded / crossed over to another payer
  missing,   // not found, system errors
  request,   // the payer waits for something (records, COB, an EOB)
  reason,    // a denial reason; said alone it is a denial
  denied,    // denied, denial
  paid,      // paid, check issued, EFT sent
  rejected,  // rejected, returned
  voided,    // voided, recouped after adjudication
};

/// One entry of the synonym table that turns what a portal shows or a payer
/// representative says into claim status codes.
struct phrase {
  std::string_view text;      // normalised: lowercase words separated by one space
  std::string_view category;  // Claim Status Category Code
  std::string_view code;      // Claim Status Code, may be empty
  std::string_view entity;    // Entity Identifier Code, may be empty
  phrase_kind kind = phrase_kind::process;
  /// What the phrase says when negated ("has not been processed" is still
  /// in process); empty: a negated phrase says nothing.
  std::string_view negated_category = {}, negated_code = {};
  /// The negated meaning holds only with "yet" ("not paid yet" is pending,
  /// "not paid" alone may be a denial and is not read).
  bool negated_needs_yet = false;
};

std::span<const phrase> phrases();

/// What a sentence was read as. Empty category: the sentence could not be
/// read (state unknown, action review: never a guess).
struct reading {
  std::string_view category, code, entity;
  /// A second status said in the same sentence: paid and denied together
  /// ("paid, line 2 denied as bundled") is a partial payment, F1 with F2.
  std::string_view also_category, also_code;
  bool read() const { return !category.empty(); }
};

/// Lowercases ASCII letters and turns every run of other characters than
/// letters and digits into one space, trimmed: "In-Process, awaiting
/// ITEMIZED bill!" -> "in process awaiting itemized bill". Apostrophes are
/// dropped ("hasn't" -> "hasnt", "patient's" -> "patient").
std::string normalize_text(std::string_view text);

/// Reads a portal or phone sentence the way a biller does (negation over a
/// short window, outcomes over process words, who is waited on, check and
/// EFT numbers, eligibility ended, forwarded after processing).
reading read_text(std::string_view text);

}  // namespace claimkit::status
