#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "status/phrases.hpp"

using claimkit::status::normalize_text;
using claimkit::status::read_text;

namespace {
std::string said(const char* text) {
  auto r = read_text(text);
  if (!r.read()) return "none";
  std::string out(r.category);
  if (!r.code.empty()) out += ":" + std::string(r.code);
  if (!r.also_category.empty()) out += "+" + std::string(r.also_category);
  return out;
}
}  // namespace

TEST_CASE("text is compared case- and punctuation-insensitively") {
  CHECK(normalize_text("  In-Process, awaiting ITEMIZED bill!! ") == "in process awaiting itemized bill");
  CHECK(normalize_text("hasn't paid the patient's bill 10/02") == "hasnt paid the patient bill 10 02");
  CHECK(normalize_text("") == "");
  CHECK(said("IN PROCESS") == "P1:20");
  CHECK(said("in-process.") == "P1:20");
  CHECK(said("Denied!") == "F2");
  CHECK(said("hasn\xE2\x80\x99t been processed") == "P1:20");  // typographic apostrophe
}

TEST_CASE("the most specific phrase wins within a kind") {
  CHECK(said("in process - awaiting itemized bill") == "R4:279");
  CHECK(said("claim paid in full") == "F1:65");
  CHECK(said("claim not found") == "A4:35");
  CHECK(said("member not found") == "A7:33");
  CHECK(said("need COB / other insurance") == "P4:171");
  CHECK(said("we have no record of this claim") == "A4:35");
}

TEST_CASE("whole words only; negation reaches three words back and a yet after") {
  CHECK(said("unpaid") == "none");
  CHECK(said("not paid") == "none");
  CHECK(said("claim has not been paid") == "none");
  CHECK(said("claim has not yet been paid") == "P1:20");
  CHECK(said("paid yet") == "P1:20");
  CHECK(said("never received") == "A4:35");
  CHECK(said("not yet paid") == "P1:20");
  // Four words back is out of the window; another clause is out of it.
  CHECK(said("not that we know the claim was paid") == "F1:65");
  CHECK(said("no, it was paid") == "F1:65");
  CHECK(said("the weather is nice") == "none");
  CHECK(said("") == "none");
}

TEST_CASE("items are requests only next to a request word") {
  CHECK(said("medical records received") == "A1:19");
  CHECK(said("medical records") == "none");
  CHECK(said("records requested") == "R4:297");
  CHECK(said("records are not needed") == "none");
}

TEST_CASE("paid and denied in one sentence say both") {
  CHECK(said("paid, one line denied as bundled") == "F2:735+F1");
  CHECK(said("paid and denied") == "F2+F1");
}

TEST_CASE("the table has distinct phrases, all normalised") {
  std::set<std::string_view> seen;
  for (const auto& p : claimkit::status::phrases()) {
    CHECK_MESSAGE(normalize_text(p.text) == p.text, p.text);
    CHECK_MESSAGE(seen.insert(p.text).second, p.text);
    CHECK(!p.category.empty());
  }
  CHECK(seen.size() >= 100);
}

TEST_CASE("every phrase is listed in PHRASES of status-normalize(1)") {
  std::ifstream in(std::filesystem::path(CLAIMKIT_SOURCE_DIR) / "man" / "status-normalize.1");
  REQUIRE(in);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string man = ss.str();
  for (const auto& p : claimkit::status::phrases()) {
    CHECK_MESSAGE(man.find("\n" + std::string(p.text) + "\t") != std::string::npos, p.text);
  }
}
