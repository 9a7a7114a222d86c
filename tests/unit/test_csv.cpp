#include <doctest/doctest.h>

#include <fcntl.h>
#include <unistd.h>
#include <chrono>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "cli/reporter.hpp"
#include "core/error.hpp"
#include "csv/claims.hpp"
#include "csv/input.hpp"
#include "csv/reader.hpp"

using namespace claimkit;

namespace {

std::vector<std::vector<std::string>> read_all(const std::string& text, std::vector<std::size_t>* lines = nullptr) {
  std::istringstream in(text);
  csv::reader r(in);
  std::vector<std::vector<std::string>> out;
  std::vector<std::string> cells;
  while (r.next(cells)) {
    out.push_back(cells);
    if (lines) lines->push_back(r.line());
  }
  return out;
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const claimkit::error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("csv reader: quoting as RFC 4180 writes it") {
  std::vector<std::size_t> lines;
  auto rows = read_all(
      "a,b,c\r\n"
      "\"x, y\",\"say \"\"hi\"\"\",\r\n"
      "\"two\nlines\",2,3\n"
      "last,,\"\"",
      &lines);
  REQUIRE(rows.size() == 4);
  CHECK(rows[0] == std::vector<std::string>{"a", "b", "c"});
  CHECK(rows[1] == std::vector<std::string>{"x, y", "say \"hi\"", ""});
  CHECK(rows[2] == std::vector<std::string>{"two\nlines", "2", "3"});
  CHECK(rows[3] == std::vector<std::string>{"last", "", ""});
  CHECK(lines == std::vector<std::size_t>{1, 2, 3, 5});
}

TEST_CASE("csv reader: byte order mark, lenient quotes, blank lines, no final newline") {
  auto rows = read_all("\xEF\xBB\xBFid,name\n7,O\"Brien\n\n\"ab\"c,d");
  REQUIRE(rows.size() == 4);
  CHECK(rows[0][0] == "id");
  CHECK(rows[1] == std::vector<std::string>{"7", "O\"Brien"});
  CHECK(rows[2] == std::vector<std::string>{""});
  CHECK(rows[3] == std::vector<std::string>{"abc", "d"});
  CHECK(read_all("").empty());
}

TEST_CASE("csv reader: an open quote at the end is an error that names the line, not the value") {
  CHECK(error_of([] { read_all("a,b\n1,\"secret\n"); }) ==
        "line 2: a quoted cell is not closed at the end of the input");
}

TEST_CASE("--columns parsing") {
  auto m = csv::parse_columns("claim_id=Claim #, billed_amount = Charges ,subscriber.member_id=Member ID");
  REQUIRE(m.size() == 3);
  CHECK(m[0] == std::pair<std::string, std::string>{"claim_id", "Claim #"});
  CHECK(m[1] == std::pair<std::string, std::string>{"billed_amount", "Charges"});
  CHECK(m[2].first == "subscriber.member_id");
  CHECK(csv::parse_columns("").empty());
  CHECK(error_of([] { csv::parse_columns("claim_id=Claim,Charges"); }) == "--columns: item 2: expected FIELD=HEADER");
  CHECK(error_of([] { csv::parse_columns("claim_id="); }) == "--columns: item 1: empty field or header");
  CHECK(error_of([] { csv::parse_columns("colour=Tint"); }) == "--columns: item 1: colour is not a claim field");
}

TEST_CASE("claim mapper: mapped and default headers make claim records") {
  auto rows = read_all(
      "Claim #,payer_id,Charges,DOS,Subscriber.Member_ID,provider.npi,Notes\n"
      "NW-1,60054,\"$1,250.00\",09/15/2026,M1,1234567893,call back\n"
      "NW-2,60054,96.5,2026-10-28,,,\n");
  csv::claim_mapper m(rows[0], csv::parse_columns("claim_id=claim #,billed_amount=CHARGES,service_from=DOS"));
  CHECK(m.unmapped() == 1);
  CHECK(m.to_ndjson(rows[1]) ==
        R"({"type":"claim","claim_id":"NW-1","payer_id":"60054","billed_amount":1250.00,"service_from":"2026-09-15",)"
        R"("subscriber":{"member_id":"M1"},"provider":{"npi":"1234567893"}})");
  CHECK(m.to_ndjson(rows[2]) ==
        R"({"type":"claim","claim_id":"NW-2","payer_id":"60054","billed_amount":96.5,"service_from":"2026-10-28"})");
}

TEST_CASE("claim mapper: values that are not amounts or US dates are kept as text") {
  std::vector<std::string> header{"claim_id", "billed_amount", "submitted_date", "subscriber.dob"};
  csv::claim_mapper m(header, {});
  CHECK(m.to_ndjson({"C\"1", "n/a", "2026-13-45", "1/2/1980"}) ==
        R"({"type":"claim","claim_id":"C\"1","billed_amount":"n/a","submitted_date":"2026-13-45",)"
        R"("subscriber":{"dob":"1980-01-02"}})");
  // A short row fills what it has.
  CHECK(m.to_ndjson({"C2"}) == R"({"type":"claim","claim_id":"C2"})");
}

TEST_CASE("claim mapper: a missing claim_id column or mapped header stops before any row") {
  CHECK(error_of([] { csv::claim_mapper({"Charges"}, {}); }) ==
        "line 1: no claim_id column (map one with --columns claim_id=HEADER)");
  CHECK(error_of([] { csv::claim_mapper({"claim_id"}, csv::parse_columns("billed_amount=Charges")); }) ==
        "line 1: no column named in --columns for billed_amount");
  // A mapping moves a field away from the column named like it.
  csv::claim_mapper m({"claim_id", "Claim #"}, csv::parse_columns("claim_id=Claim #"));
  CHECK(m.to_ndjson({"old", "new"}) == R"({"type":"claim","claim_id":"new"})");
}

// The claim input that claim-age, claim-query build/submit and the sweep share:
// a quote left open early in a big export is read once, to the end, and the
// row is rejected with its line (regression: the sweep's own converter went
// quadratic on it, 40,000 rows in over two minutes).
TEST_CASE("csv claim input: an open quote in a 40,000-row file is one linear reject") {
  char path[] = "/tmp/claimkit-csv-input-XXXXXX.csv";
  int fd = ::mkstemps(path, 4);
  REQUIRE(fd >= 0);
  std::string text = "claim_id,subscriber.first_name,billed_amount\n";
  for (int i = 1; i <= 40000; ++i) {
    text += "C" + std::to_string(i) + (i == 2 ? ",\"OPEN" : ",NAME") + ",10.00\n";
  }
  REQUIRE(::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
  ::close(fd);
  claimkit::cli::reporter rep("test");
  rep.set_quiet(true);
  std::vector<std::string> seen;
  auto started = std::chrono::steady_clock::now();
  claimkit::csv::for_each_claim_record({path}, claimkit::csv::input_format::by_name, {}, rep,
                                       [&](claimkit::ndjson::record& r) { seen.emplace_back(r.text); });
  auto took = std::chrono::steady_clock::now() - started;
  ::unlink(path);
  REQUIRE(seen.size() == 1);
  CHECK(seen[0] == R"({"type":"claim","claim_id":"C1","billed_amount":10.00,"subscriber":{"first_name":"NAME"}})");
  CHECK(rep.errors() == 1);
  CHECK(took < std::chrono::seconds(2));
}

TEST_CASE("csv claim input: --format-in and file names") {
  using claimkit::csv::input_format;
  using claimkit::csv::is_csv_input;
  CHECK(is_csv_input("export.CSV", input_format::by_name));
  CHECK_FALSE(is_csv_input("-", input_format::by_name));
  CHECK(is_csv_input("-", input_format::csv));
  CHECK_FALSE(is_csv_input("x.csv", input_format::ndjson));
  CHECK(claimkit::csv::parse_input_format("csv") == input_format::csv);
  CHECK(claimkit::csv::parse_input_format("") == input_format::by_name);
  try {
    claimkit::csv::check_inputs({"claims.ndjson"}, input_format::by_name, {{"claim_id", "Claim #"}}, true);
    FAIL("--columns without CSV input accepted");
  } catch (const claimkit::error& e) {
    CHECK(std::string(e.what()) == "--columns applies to CSV input (files named *.csv, or --format-in csv)");
  }
}
