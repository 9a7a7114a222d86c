#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "codes/tables.hpp"
#include "core/error.hpp"

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
  for (const char* c : {"A0", "A1", "A2", "A3", "A4", "A5", "A6", "A7", "A8", "D0", "E0", "E1", "E2", "E3", "E4",
                        "F0", "F1", "F2", "F3", "F3F", "F3N", "F4", "P0", "P1", "P2", "P3", "P4", "P5", "R0", "R1",
                        "R3", "R4", "R5", "R6", "R7", "R8", "R9", "R10", "R11", "R12", "R13", "R14", "R15", "R16",
                        "R17"}) {
    CHECK_MESSAGE(t.known(list::category, c), c);
  }
  CHECK(t.size(list::status) >= 150);
  CHECK(t.size(list::entity) >= 60);
  for (const char* c : {"0", "1", "3", "19", "20", "21", "35", "54", "65", "85", "88", "116", "279", "297", "562",
                        "718"}) {
    CHECK_MESSAGE(t.known(list::status, c), c);
  }
  for (const char* c : {"PR", "QC", "41", "40", "85", "82", "IL", "1P", "03"}) CHECK_MESSAGE(t.known(list::entity, c), c);
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
                             "\xEF\xBB\xBF" "code,description,effective_date\r\n"
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
    CHECK(std::string(e.what()) == empty.path.string() +
                                       ": no code list CSV files (names with 507/category, 508/status or entity)");
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
