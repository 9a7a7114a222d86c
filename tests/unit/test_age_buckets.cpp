#include <doctest/doctest.h>

#include "age/buckets.hpp"
#include "core/error.hpp"

using claimkit::age::buckets;

TEST_CASE("default buckets put the edge day in the lower bucket") {
  buckets b;
  REQUIRE(b.size() == 5);
  CHECK(b.label(0) == "0-30");
  CHECK(b.label(4) == "121+");
  CHECK(b.index(-3) == 0);
  CHECK(b.index(0) == 0);
  CHECK(b.index(30) == 0);
  CHECK(b.index(31) == 1);
  CHECK(b.index(60) == 1);
  CHECK(b.index(61) == 2);
  CHECK(b.index(90) == 2);
  CHECK(b.index(91) == 3);
  CHECK(b.index(120) == 3);
  CHECK(b.index(121) == 4);
  CHECK(b.index(5000) == 4);
}

TEST_CASE("custom buckets") {
  buckets b = buckets::parse("15,45");
  REQUIRE(b.size() == 3);
  CHECK(b.label(0) == "0-15");
  CHECK(b.label(1) == "16-45");
  CHECK(b.label(2) == "46+");
  CHECK(b.index(45) == 1);
}

TEST_CASE("bad bucket lists are usage errors") {
  auto msg = [](const char* list) {
    try {
      buckets::parse(list);
    } catch (const claimkit::error& e) {
      CHECK(e.code() == claimkit::cli::exit_code::usage);
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(msg("30,30") == "--buckets: edges must increase, e.g. 30,60,90,120");
  CHECK(msg("60,30") == "--buckets: edges must increase, e.g. 30,60,90,120");
  CHECK(msg("30,,60") == "--buckets: expected increasing whole numbers of days, e.g. 30,60,90,120");
  CHECK(msg("0") == "--buckets: expected increasing whole numbers of days, e.g. 30,60,90,120");
  CHECK(msg("") == "--buckets: expected increasing whole numbers of days, e.g. 30,60,90,120");
  CHECK(msg("x") == "--buckets: expected increasing whole numbers of days, e.g. 30,60,90,120");
}
