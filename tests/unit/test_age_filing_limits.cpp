#include <doctest/doctest.h>

#include "age/filing_limits.hpp"
#include "core/error.hpp"

using claimkit::age::filing_limits;

namespace {
std::string parse_error(const char* text) {
  try {
    filing_limits::parse(text, "limits");
  } catch (const claimkit::error& e) {
    CHECK(e.code() == claimkit::cli::exit_code::usage);
    return e.what();
  }
  return "no error";
}
}  // namespace

TEST_CASE("built-in table: 90 days, Medicare by name 365") {
  filing_limits t = filing_limits::builtin();
  CHECK_FALSE(t.from_file());
  CHECK(t.lookup("12345", "ACME HEALTH").days == 90);
  CHECK_FALSE(t.lookup("12345", "ACME HEALTH").listed);
  CHECK(t.lookup("12345", "Medicare Part B").days == 365);
  CHECK(t.lookup("12345", "Medicare Part B").listed);
  CHECK(t.lookup("", "").days == 90);
}

TEST_CASE("CSV tables") {
  filing_limits t = filing_limits::parse(
      "payer_id,days\n# a comment\n12345,180\n\"00882\",365\r\ndefault,120\nname:blue,60\n", "limits.csv");
  CHECK(t.from_file());
  CHECK(t.lookup("12345", "").days == 180);
  CHECK(t.lookup("00882", "").days == 365);
  CHECK(t.lookup("882", "").days == 120);
  CHECK(t.lookup("999", "Big Blue Plan").days == 60);
  CHECK(t.lookup("12345", "Big Blue Plan").days == 180);  // an id row wins over a name row
  CHECK(t.has_default_row());
  CHECK(parse_error("12345,abc\n") == "limits:1: days must be a positive whole number");
  CHECK(parse_error("payer_id,days\n12345\n") == "limits:2: expected payer_id,days");
  CHECK(parse_error("a,1\nb,0\n") == "limits:2: days must be a positive whole number");
  CHECK(parse_error(",30\n") == "limits:1: empty payer_id");
  // Only the first row may be a header (a bug once took a bad row for one).
  CHECK(parse_error("payer_id,days\nPAYA,ninety\n") == "limits:2: days must be a positive whole number");
  // Cells as csv::reader reads them: a quoted id may hold a comma, an open quote names its line.
  t = filing_limits::parse("\"A,B\",30\n", "limits.csv");
  CHECK(t.lookup("A,B", "").days == 30);
  CHECK(parse_error("a,30\n\"b,30\n") == "limits:2: a quoted cell is not closed at the end of the input");
  CHECK(parse_error("a,30,x\n") == "limits:1: expected payer_id,days");
}

TEST_CASE("JSON tables") {
  filing_limits t = filing_limits::parse("{\"12345\": 180, \"default\": 60}\n", "limits.json");
  CHECK(t.lookup("12345", "").days == 180);
  CHECK(t.lookup("1", "").days == 60);
  t = filing_limits::parse("[{\"payer_id\":\"A1\",\"days\":30},{\"payer_id\":\"name:medicaid\",\"days\":365}]", "l");
  CHECK(t.lookup("A1", "").days == 30);
  CHECK(t.lookup("B", "STATE MEDICAID").days == 365);
  CHECK_FALSE(t.has_default_row());
  CHECK(t.lookup("B", "").days == 90);
  CHECK(parse_error("{\"a\": \"90\"}") == "limits: days must be a positive whole number");
  CHECK(parse_error("{\"a\": 1.5}") == "limits: days must be a positive whole number");
  CHECK(parse_error("[1]") == "limits: array elements must be objects with payer_id and days");
  CHECK(parse_error("{\"a\": 1") == "limits: invalid JSON at byte 8: expected ',' or '}' in object");
}
