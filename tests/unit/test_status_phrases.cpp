#include <doctest/doctest.h>

#include <set>
#include <string>

#include "status/phrases.hpp"

using claimkit::status::match_text;
using claimkit::status::normalize_text;

namespace {
std::string said(const char* text) {
  const auto* p = match_text(text);
  if (p == nullptr) return "none";
  std::string out(p->category);
  if (!p->code.empty()) out += ":" + std::string(p->code);
  return out;
}
}  // namespace

TEST_CASE("text is compared case- and punctuation-insensitively") {
  CHECK(normalize_text("  In-Process, awaiting ITEMIZED bill!! ") == "in process awaiting itemized bill");
  CHECK(normalize_text("") == "");
  CHECK(said("IN PROCESS") == "P1:20");
  CHECK(said("in-process.") == "P1:20");
  CHECK(said("Denied!") == "F2");
}

TEST_CASE("the most specific phrase wins") {
  CHECK(said("in process - awaiting itemized bill") == "R4:279");
  CHECK(said("denied, needs itemized bill") == "R4:279");
  CHECK(said("claim paid in full") == "F1:67");
  CHECK(said("partially paid") == "F1:68");
  CHECK(said("claim not found") == "A4:35");
  CHECK(said("member not found") == "A7:33");
  CHECK(said("need COB / other insurance") == "P4:171");
  CHECK(said("we have no record of this claim") == "A4:35");
}

TEST_CASE("whole words only, and negated phrases do not count") {
  CHECK(said("unpaid") == "none");
  CHECK(said("not paid") == "none");
  CHECK(said("never received") == "none");
  CHECK(said("not yet paid") == "P1:20");
  CHECK(said("the weather is nice") == "none");
  CHECK(said("") == "none");
}

TEST_CASE("the table has at least 40 distinct phrases, all normalised") {
  std::set<std::string_view> seen;
  for (const auto& p : claimkit::status::phrases()) {
    CHECK_MESSAGE(normalize_text(p.text) == p.text, p.text);
    CHECK_MESSAGE(seen.insert(p.text).second, p.text);
    CHECK(!p.category.empty());
  }
  CHECK(seen.size() >= 40);
}
