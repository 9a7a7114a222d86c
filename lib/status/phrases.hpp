#pragma once

#include <span>
#include <string>
#include <string_view>

namespace claimkit::status {

/// One entry of the synonym table that turns what a portal shows or a payer
/// representative says into claim status codes.
struct phrase {
  std::string_view text;      // normalised: lowercase words separated by one space
  std::string_view category;  // Claim Status Category Code
  std::string_view code;      // Claim Status Code, may be empty
  std::string_view entity;    // Entity Identifier Code, may be empty
};

std::span<const phrase> phrases();

/// Lowercases ASCII letters and turns every run of other characters than
/// letters and digits into one space, trimmed: "In-Process, awaiting
/// ITEMIZED bill!" -> "in process awaiting itemized bill".
std::string normalize_text(std::string_view text);

/// The phrase the text says, or nullptr. Whole words only; the longest phrase
/// found wins (it is the most specific); a phrase directly after "not",
/// "no" or "never" does not count, so "not paid" is never taken as paid.
const phrase* match_text(std::string_view text);

}  // namespace claimkit::status
