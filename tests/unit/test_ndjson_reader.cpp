// Unit tests for the NDJSON line reader and the record loop's rejects.
#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

#include "cli/reporter.hpp"
#include "io/input.hpp"
#include "ndjson/reader.hpp"

using namespace claimkit;

namespace {
std::string temp_with(const std::string& content) {
  char name[] = "/tmp/claimkit-ndjson-XXXXXX";
  int fd = mkstemp(name);
  REQUIRE(fd >= 0);
  close(fd);
  std::ofstream(name, std::ios::binary) << content;
  return name;
}
std::string slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}
}  // namespace

TEST_CASE("lines: CRLF stripped, last line without newline, numbering") {
  std::string path = temp_with("{\"a\":1}\r\n\n{\"b\":2}");
  io::input in(path);
  ndjson::line_reader r(in);
  ndjson::line l;
  std::vector<std::pair<std::string, std::uint64_t>> got;
  while (r.next(l)) got.emplace_back(std::string(l.text), l.number);
  REQUIRE(got.size() == 3);
  CHECK(got[0].first == "{\"a\":1}");
  CHECK(got[1].first.empty());
  CHECK(got[2] == std::make_pair(std::string("{\"b\":2}"), std::uint64_t{3}));
  std::remove(path.c_str());
}

TEST_CASE("lines: an over-long line is flagged and the next one is still read") {
  std::string big(5000, 'x');
  std::string path = temp_with(big + "\n{\"ok\":true}\n");
  io::input in(path);
  ndjson::line_reader r(in, 1024);
  ndjson::line l;
  REQUIRE(r.next(l));
  CHECK(l.too_long);
  CHECK(l.number == 1);
  REQUIRE(r.next(l));
  CHECK_FALSE(l.too_long);
  CHECK(l.text == "{\"ok\":true}");
  CHECK(l.number == 2);
  CHECK_FALSE(r.next(l));
  std::remove(path.c_str());
}

TEST_CASE("records: bad lines go to the rejects file, good ones to the handler") {
  std::string path = temp_with("{\"claim_id\":\"A1\"}\nnot json\n[1]\n{\"claim_id\":\"A2\",\"x\":{\"y\":[1]}}\n{\"reject\":1}\n");
  std::string errors = temp_with("");
  std::vector<std::string> seen;
  {
    cli::reporter rep("unit");
    rep.set_quiet(true);
    rep.open_errors(errors);
    ndjson::for_each_record({path}, rep, [&](ndjson::record& r) {
      if (r.get("reject") != nullptr) throw ndjson::bad_record{"missing_field", "claim_id is missing"};
      std::string scratch;
      seen.emplace_back(r.string("claim_id", scratch));
    });
    CHECK(rep.errors() == 3);
    rep.close();
  }
  CHECK(seen == std::vector<std::string>{"A1", "A2"});
  std::string e = slurp(errors);
  CHECK(e.find("\"line\":2,\"severity\":\"error\",\"kind\":\"invalid_json\"") != std::string::npos);
  CHECK(e.find("\"raw\":\"not json\"") != std::string::npos);
  CHECK(e.find("\"kind\":\"missing_field\",\"message\":\"claim_id is missing\",\"record\":{\"reject\":1}") !=
        std::string::npos);
  std::remove(path.c_str());
  std::remove(errors.c_str());
}
