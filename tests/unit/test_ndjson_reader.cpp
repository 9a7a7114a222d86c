// Unit tests for the NDJSON line reader and the record loop's rejects.
#include <doctest/doctest.h>

#include <unistd.h>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "cli/reporter.hpp"
#include "io/input.hpp"
#include "ndjson/reader.hpp"
#include "ndjson/value.hpp"

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

TEST_CASE("lines: the last line, without a newline, parses in place as a copy of it does") {
  // Earlier lines leave bytes in the buffer past the last one; a cut-off
  // record must get the same verdict and message in place as copied.
  std::string path = temp_with("{\"type\":\"claim_status\",\"payer\":{\"id\":\"x\"}}\n{\"type\"");
  io::input in(path);
  ndjson::line_reader r(in);
  ndjson::line l;
  ndjson::document doc;
  std::vector<ndjson::member> members;
  int lines = 0;
  while (r.next(l)) {
    ++lines;
    ndjson::parse_error in_place, copied;
    const bool a = doc.parse_object(l.text, in_place, true);
    const bool b = ndjson::parse_object(l.text, members, copied);
    CHECK(a == b);
    CHECK(in_place.offset == copied.offset);
    CHECK(in_place.message == copied.message);
  }
  CHECK(lines == 2);
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
  std::string path =
      temp_with("{\"claim_id\":\"A1\"}\nnot json\n[1]\n{\"claim_id\":\"A2\",\"x\":{\"y\":[1]}}\n{\"reject\":1}\n");
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

namespace {
std::vector<std::tuple<std::string, std::uint64_t, bool>> all_lines(const std::string& path, std::size_t max_line,
                                                                    ndjson::file_access access) {
  io::input in(path);
  ndjson::line_reader r(in, max_line, access);
  ndjson::line l;
  std::vector<std::tuple<std::string, std::uint64_t, bool>> got;
  while (r.next(l)) {
    // The padding promise holds in either mode.
    volatile char last =
        l.text.data() == nullptr ? 0 : l.text.data()[l.text.size() + ndjson::line_reader::kPadding - 1];
    (void)last;
    got.emplace_back(std::string(l.text), l.number, l.too_long);
  }
  return got;
}
}  // namespace

TEST_CASE("lines: a mapped file gives the lines read() gives, across windows") {
  // Lines of many lengths so that line ends fall at and around every window
  // edge; one line longer than a window, over-long lines, CRLF, blank lines,
  // and a last line without a newline.
  std::string content;
  std::uint32_t seed = 277;
  while (content.size() < 3 * ndjson::line_reader::kWindow) {
    seed = seed * 1103515245u + 12345u;
    std::size_t len = (seed >> 8) % 3000;
    if ((seed >> 4) % 97 == 0) len = 0;
    content += "{\"k\":\"" + std::string(len, 'a' + static_cast<char>(seed % 26)) + "\"}";
    content += (seed >> 12) % 5 == 0 ? "\r\n" : "\n";
    if (content.size() > ndjson::line_reader::kWindow && content.size() < ndjson::line_reader::kWindow + 4000) {
      content += std::string(ndjson::line_reader::kWindow + 100, 'w') + "\n";
    }
  }
  content += "{\"last\":true}";
  std::string path = temp_with(content);
  for (std::size_t max_line : {std::size_t{64} << 20, std::size_t{2000}}) {
    auto read = all_lines(path, max_line, ndjson::file_access::read);
    auto mapped = all_lines(path, max_line, ndjson::file_access::map);
    REQUIRE(read.size() > 1000);
    CHECK(std::get<0>(read.back()) == "{\"last\":true}");
    CHECK(mapped.size() == read.size());
    CHECK(mapped == read);
  }
  std::remove(path.c_str());
}

TEST_CASE("lines: mapping copes with small files, a file that ends in a newline, and stdin-like inputs") {
  for (std::string content : {std::string("{\"a\":1}\n"), std::string("x"), std::string("\n\n"),
                              std::string(5000, 'z') + "\n{\"b\":2}\n", std::string(4096 - 1, 'q') + "\n"}) {
    std::string path = temp_with(content);
    CHECK(all_lines(path, 1024, ndjson::file_access::map) == all_lines(path, 1024, ndjson::file_access::read));
    CHECK(all_lines(path, 64u << 20, ndjson::file_access::map) ==
          all_lines(path, 64u << 20, ndjson::file_access::read));
    std::remove(path.c_str());
  }
  std::string empty = temp_with("");
  CHECK(all_lines(empty, 1024, ndjson::file_access::map).empty());
  std::remove(empty.c_str());
}
