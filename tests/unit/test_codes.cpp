#include <doctest/doctest.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "codes/tables.hpp"
#include "core/error.hpp"
#include "csv/reader.hpp"
#include "scratch_dir.hpp"

using claimkit::codes::list;
using claimkit::codes::tables;

namespace {

std::filesystem::path corpus_dir() {
  if (const char* c = std::getenv("CLAIMKIT_CORPUS")) return c;
  return std::filesystem::path(CLAIMKIT_SOURCE_DIR) / ".." / "shared" / "corpus";
}

// The code column of a corpus CSV (read in place; nothing is copied).
std::vector<std::string> corpus_codes(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::vector<std::string> out;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::string code = line.substr(0, line.find(','));
    if (!code.empty() && code.back() == '\r') code.pop_back();
    if (!code.empty()) out.push_back(code);
  }
  return out;
}

struct temp_dir {
  std::filesystem::path path;
  temp_dir() {
    std::string t = (std::filesystem::temp_directory_path() / "claimkit-codes-XXXXXX").string();
    path = ::mkdtemp(t.data());
  }
  ~temp_dir() { std::filesystem::remove_all(path); }
  void write(const std::string& name, const std::string& text) const { std::ofstream(path / name) << text; }
};

}  // namespace

TEST_CASE("built-in labels cover every category code and the common status and entity codes") {
  tables t;
  for (const char* c :
       {"A0", "A1", "A2", "A3", "A4",  "A5",  "A6", "A7",  "A8",  "D0",  "E0",  "E1",  "E2",  "E3",  "E4",
        "F0", "F1", "F2", "F3", "F3F", "F3N", "F4", "P0",  "P1",  "P2",  "P3",  "P4",  "P5",  "R0",  "R1",
        "R3", "R4", "R5", "R6", "R7",  "R8",  "R9", "R10", "R11", "R12", "R13", "R14", "R15", "R16", "R17"}) {
    CHECK_MESSAGE(t.known(list::category, c), c);
  }
  CHECK(t.size(list::status) >= 150);
  CHECK(t.size(list::entity) >= 60);
  for (const char* c :
       {"0", "1", "3", "19", "20", "21", "35", "54", "65", "85", "88", "116", "279", "297", "562", "718"}) {
    CHECK_MESSAGE(t.known(list::status, c), c);
  }
  for (const char* c : {"PR", "QC", "41", "40", "85", "82", "IL", "1P", "03"})
    CHECK_MESSAGE(t.known(list::entity, c), c);
  CHECK(t.label(list::category, "F2") == "Finalized: denied");
  CHECK(t.label(list::status, "65") == "Paid");
  CHECK(t.label(list::entity, "PR") == "Payer");
}

TEST_CASE("unknown, empty and over-long codes have no label") {
  tables t;
  CHECK(t.label(list::category, "Z9").empty());
  CHECK(t.label(list::status, "99999").empty());
  CHECK(t.label(list::status, "").empty());
  CHECK(t.label(list::status, "123456789").empty());
  // The lists are separate: "85" is a status code and an entity code.
  CHECK(t.label(list::status, "85") != t.label(list::entity, "85"));
}

TEST_CASE("built-in labels are short and unique per list") {
  for (list l : {list::category, list::status, list::entity}) {
    std::set<std::string_view> seen;
    for (const auto& e : claimkit::codes::builtin(l)) {
      CHECK_MESSAGE(seen.insert(e.code).second, e.code);
      CHECK_MESSAGE(e.label.size() <= 60, e.code);
      CHECK_MESSAGE(!e.label.empty(), e.code);
    }
  }
}

TEST_CASE("load_csv reads a header, quoted fields and wins over built-in labels") {
  tables t;
  std::size_t n = t.load_csv(list::status,
                             "\xEF\xBB\xBF"
                             "code,description,effective_date\r\n"
                             "65,\"Official, with a comma and \"\"quotes\"\"\",01/01/1995\r\n"
                             "9001,A new code,\n"
                             ",no code,\n");
  CHECK(n == 2);
  CHECK(t.label(list::status, "65") == "Official, with a comma and \"quotes\"");
  CHECK(t.label(list::status, "9001") == "A new code");
  CHECK(t.label(list::status, "20") == "Accepted for processing");
}

TEST_CASE("load_csv without a header takes the first two columns") {
  tables t;
  CHECK(t.load_csv(list::entity, "ZQ,Invented entity\nZR,Another\n") == 2);
  CHECK(t.label(list::entity, "ZR") == "Another");
}

// Code lists are read by csv::reader, the one CSV reader: the same rules as
// claim input (a quote inside an unquoted cell is text, an open quote at
// the end is an error naming the file and line).
TEST_CASE("load_csv follows csv::reader: stray quotes are text, an open quote is an error") {
  tables t;
  CHECK(t.load_csv(list::entity, "ZQ,Dr \"Who\" office\r\nZR,\"multi\nline\"\n") == 2);
  CHECK(t.label(list::entity, "ZQ") == "Dr \"Who\" office");
  CHECK(t.label(list::entity, "ZR") == "multi\nline");
  CHECK_THROWS_WITH_AS(t.load_csv(list::entity, "ZS,ok\nZT,\"never closed\n"),
                       "line 2: a quoted cell is not closed at the end of the input", claimkit::error);

  std::string dir = claimkit_test::scratch_dir("claimkit-codes");
  std::ofstream(dir + "/entity.csv") << "code,description\nZU,fine\nZV,\"open\n";
  try {
    tables u;
    u.load_dir(dir);
    FAIL("expected an error");
  } catch (const claimkit::error& e) {
    CHECK(e.code() == claimkit::cli::exit_code::usage);
    CHECK(std::string(e.what()) == dir + "/entity.csv:3: a quoted cell is not closed at the end of the input");
  }
}

TEST_CASE("list_for_file picks the list from the file name") {
  list l{};
  CHECK((tables::list_for_file("claim_status_category_codes.csv", l) && l == list::category));
  CHECK((tables::list_for_file("x12-507.CSV", l) && l == list::category));
  CHECK((tables::list_for_file("claim_status_codes_508.csv", l) && l == list::status));
  CHECK((tables::list_for_file("entity_identifier_codes.csv", l) && l == list::entity));
  CHECK_FALSE(tables::list_for_file("carc.csv", l));
  CHECK_FALSE(tables::list_for_file("status.txt", l));
}

TEST_CASE("load_dir loads every recognised file; errors carry exit codes") {
  temp_dir d;
  d.write("category_codes.csv", "code,description\nF2,Official denial text\n");
  d.write("status_codes.csv", "code,description\n88,Official 88 text\n");
  d.write("notes.txt", "ignored");
  tables t;
  CHECK(t.load_dir(d.path.string()) == 2);
  CHECK(t.label(list::category, "F2") == "Official denial text");
  CHECK(t.label(list::status, "88") == "Official 88 text");

  temp_dir empty;
  try {
    t.load_dir(empty.path.string());
    FAIL("expected an error");
  } catch (const claimkit::error& e) {
    CHECK(e.code() == claimkit::cli::exit_code::usage);
    CHECK(std::string(e.what()) ==
          empty.path.string() + ": no code list CSV files (names with 507/category, 508/status or entity)");
  }
  CHECK_THROWS_AS(t.load_dir((d.path / "missing").string()), claimkit::error);
}

TEST_CASE("coverage of the public code lists in the corpus") {
  auto dir = corpus_dir() / "codes";
  if (!std::filesystem::exists(dir)) {
    MESSAGE("no corpus: coverage not measured");
    return;
  }
  tables t;
  auto count = [&](list l, const char* file) {
    auto codes = corpus_codes(dir / file);
    std::size_t have = 0;
    for (const auto& c : codes) have += t.known(l, c) ? 1 : 0;
    MESSAGE(std::string(file) << ": " << have << " of " << codes.size() << " codes have a built-in label");
    return std::pair<std::size_t, std::size_t>(have, codes.size());
  };
  auto cat = count(list::category, "pyx12_claim_status_category_codes_507.csv");
  // Every category code in use has a label (the retired RQ/X0 included).
  CHECK(cat.first == cat.second);
  auto st = count(list::status, "pyx12_claim_status_codes_508.csv");
  CHECK(st.first >= 150);
  auto en = count(list::entity, "pyx12_entity_identifier_codes_stc.csv");
  CHECK(en.first >= 100);
}

namespace {

struct official {
  std::string description;
  bool retired = false;
};

// A public code list with descriptions: code, description, ..., and a
// deactivation_date column when the list has one.
std::map<std::string, official> official_list(const std::filesystem::path& p) {
  std::ifstream in(p);
  claimkit::csv::reader r(in);
  std::vector<std::string> cells;
  std::map<std::string, official> out;
  if (!r.next(cells)) return out;
  std::size_t retired_col = cells.size();
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (cells[i] == "deactivation_date") retired_col = i;
  }
  while (r.next(cells)) {
    if (cells.size() < 2 || cells[0].empty()) continue;
    out[cells[0]] = {cells[1], retired_col < cells.size() && !cells[retired_col].empty()};
  }
  return out;
}

// Content words cut to four letters, so "payment" meets "paid" no better
// than chance but "forwarded" meets "forward".
std::set<std::string> stems(std::string_view s) {
  static const std::set<std::string> stop = {"the",  "and",    "for",  "has",      "have", "this", "that",
                                             "with", "not",    "from", "are",      "was",  "its",  "use",
                                             "code", "entity", "note", "requires", "been", "will", "been"};
  std::set<std::string> out;
  std::string w;
  auto flush = [&] {
    if (w.size() > 2 && !stop.count(w)) out.insert(w.substr(0, 4));
    w.clear();
  };
  for (char c : s) {
    if (std::isalnum(static_cast<unsigned char>(c)))
      w.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    else flush();
  }
  flush();
  return out;
}

}  // namespace

TEST_CASE("built-in labels agree with the public code lists") {
  auto dir = corpus_dir() / "codes";
  if (!std::filesystem::exists(dir / "hippo_claim_status_codes_508.csv")) {
    MESSAGE("no corpus: labels not compared with the public code lists");
    return;
  }
  // Reviewed by hand: the label says the same in other words.
  const std::map<std::string, std::string> same_meaning = {
      {"508:23", "returned = sent back"},
      {"508:157", "gender = sex"},
      {"508:173", "name, address ... = demographic details"},
      {"508:225", "anatomical location = body site"},
      {"508:508", "ICD9 = ICD-9 code"},
      {"508:544", "Clinical Laboratory Improvement Amendment = CLIA"},
      {"508:700", "ICD10 = ICD-10 code"},
      {"98:6W", "Emergency Medical Technician = EMT"},
  };
  auto compare = [&](list l, const char* file, const char* tag) {
    auto off = official_list(dir / file);
    REQUIRE(!off.empty());
    std::size_t compared = 0;
    for (const auto& e : claimkit::codes::builtin(l)) {
      std::string code(e.code);
      auto it = off.find(code);
      if (it == off.end()) {
        // R17 (replacement of a prior request) is newer than this list.
        CHECK_MESSAGE(std::string(tag) + ":" + code == "507:R17", tag << " " << code << " is not in " << file);
        continue;
      }
      ++compared;
      const bool marked = std::string_view(e.label).find("(retired)") != std::string_view::npos;
      CHECK_MESSAGE(marked == it->second.retired,
                    tag << " " << code << ": retired in the list " << it->second.retired << ", label says " << marked);
      auto a = stems(e.label), b = stems(it->second.description);
      bool shared = false;
      for (const auto& w : a) shared = shared || b.count(w) > 0;
      CHECK_MESSAGE(
          (shared || same_meaning.count(std::string(tag) + ":" + code) > 0),
          tag << " " << code << ": \"" << e.label << "\" shares no word with \"" << it->second.description << "\"");
    }
    MESSAGE(file << ": " << compared << " labels compared");
  };
  compare(list::category, "hippo_claim_status_category_codes_507.csv", "507");
  compare(list::status, "hippo_claim_status_codes_508.csv", "508");
  compare(list::entity, "stupidedi_005010_entity_identifier_codes_98.csv", "98");
}

TEST_CASE("labels whose meaning decides routing say what the code list says") {
  tables t;
  // Pinned after review against the 507/508 definitions: these were wrong.
  CHECK(t.label(list::category, "R17") == "Information request: replaces an earlier request");
  CHECK(t.label(list::status, "686") == "Adjudication done, whole claim voided");
  CHECK(t.label(list::category, "A0") == "Acknowledged: sent on to another entity");
  CHECK(t.label(list::category, "D0") == "No claim matched the search data");
  CHECK(t.label(list::status, "67") == "Paid in full (retired)");
  CHECK(t.label(list::status, "28") == "Sent to the wrong payer (retired)");
}
