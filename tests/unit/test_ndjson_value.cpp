// Unit tests for the record parser over simdjson On-Demand (ndjson/value):
// what it accepts, the members and nested index it gives, and the whole
// error text (column and wording) for each kind of bad input.
#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

#include "ndjson/reader.hpp"
#include "ndjson/value.hpp"

using namespace claimkit;

namespace {

// The line as the line reader hands it over: padding after it.
struct padded_line {
  std::string buf;
  explicit padded_line(std::string_view t) : buf(t) { buf.append(ndjson::kPadding, '\0'); }
  std::string_view text() const { return std::string_view(buf.data(), buf.size() - ndjson::kPadding); }
};

std::string verdict(ndjson::document& doc, std::string_view line) {
  ndjson::parse_error err;
  padded_line p(line);
  if (doc.parse_object(p.text(), err, true)) return "ok";
  return ndjson::invalid_json_message(err);
}

}  // namespace

TEST_CASE("records: members as raw spans, kinds, nested objects and arrays indexed") {
  ndjson::document doc;
  ndjson::parse_error err;
  const std::string line = R"( {"a": 150.50, "b":{"x":[1,2,{"y":null}]}, "c":"q\"z", "d":[true,false,"e"]} )";
  REQUIRE(doc.parse_object(line, err));
  auto ms = doc.members();
  REQUIRE(ms.size() == 4);
  CHECK(ms[0].key == "a");
  CHECK(ms[0].value == "150.50");
  CHECK(ms[0].kind == ndjson::kind::number);
  CHECK(ms[1].value == R"({"x":[1,2,{"y":null}]})");
  CHECK(ms[1].kind == ndjson::kind::object);
  CHECK(ms[2].value == R"("q\"z")");
  CHECK(ms[2].kind == ndjson::kind::string);
  // Spans point into the caller's text even though it was parsed from a copy.
  CHECK(ms[0].value.data() >= line.data());
  CHECK(ms[0].value.data() < line.data() + line.size());
  auto b = doc.members_of(ms[1].value);
  REQUIRE(b.size() == 1);
  CHECK(b[0].key == "x");
  auto x = doc.elements_of(b[0].value);
  REQUIRE(x.size() == 3);
  CHECK(x[0].value == "1");
  CHECK(x[2].value == R"({"y":null})");
  auto y = doc.members_of(x[2].value);
  REQUIRE(y.size() == 1);
  CHECK(y[0].kind == ndjson::kind::null);
  auto d = doc.elements_of(ms[3].value);
  REQUIRE(d.size() == 3);
  CHECK(d[1].value == "false");
  CHECK(d[1].kind == ndjson::kind::boolean);
  // Not a container of this document: nothing.
  CHECK(doc.members_of(ms[0].value).empty());
  CHECK(doc.elements_of(ms[1].value).empty());
  // The free splitters give the same (here without the document's index).
  std::vector<ndjson::member> again;
  ndjson::members_of(ms[1].value, again);
  REQUIRE(again.size() == 1);
  CHECK(again[0].value == b[0].value);
  std::vector<std::string_view> els;
  ndjson::elements_of(b[0].value, els);
  CHECK(els == std::vector<std::string_view>{"1", "2", R"({"y":null})"});
}

TEST_CASE("records: numbers keep their digits, whatever a double would make of them") {
  ndjson::document doc;
  ndjson::parse_error err;
  const std::string big(300, '9');
  const std::string line = R"({"a":)" + big + R"(,"b":1e999999999,"c":-0.000,"d":0.1E+2})";
  REQUIRE(doc.parse_object(line, err));
  CHECK(doc.members()[0].value == big);
  CHECK(doc.members()[1].value == "1e999999999");
  CHECK(doc.members()[2].value == "-0.000");
  CHECK(doc.members()[3].value == "0.1E+2");
}

TEST_CASE("records: escapes are checked; a lone surrogate is taken and decodes to U+FFFD") {
  ndjson::document doc;
  CHECK(verdict(doc, R"({"a":"\ud800X","b":"\"\\\/\b\f\n\r\t\u00e9"})") == "ok");
  std::string s;
  ndjson::unescape(R"(\ud800X)", s);
  CHECK(s == "\xEF\xBF\xBDX");
  ndjson::unescape("q\\\"z\\u00e9\\ud83d\\ude00", s);
  CHECK(s == "q\"z\xC3\xA9\xF0\x9F\x98\x80");
}

// Each message as the tools print it: the column of the first byte that
// cannot be, and the same words for every tool.
TEST_CASE("records: errors give the column and the wording, never the data") {
  ndjson::document doc;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"not json", "invalid JSON at column 1: record is not a JSON object"},
      {"  [1,2]", "invalid JSON at column 3: record is not a JSON object"},
      {R"("CANARY")", "invalid JSON at column 1: record is not a JSON object"},
      {"null", "invalid JSON at column 1: record is not a JSON object"},
      {R"({"a":1,})", "invalid JSON at column 8: expected object key"},
      {R"({'a':1})", "invalid JSON at column 2: expected object key"},
      {R"({a:1})", "invalid JSON at column 2: expected object key"},
      {R"({"a" 1})", "invalid JSON at column 6: expected ':' after object key"},
      {R"({"a":1 "b":2})", "invalid JSON at column 8: expected ',' or '}' in object"},
      {R"({"a":1)", "invalid JSON at column 7: expected ',' or '}' in object"},
      {R"({"a":)", "invalid JSON at column 6: unexpected end of input"},
      {R"({"a":})", "invalid JSON at column 6: unexpected character"},
      {R"({"a":[1,]})", "invalid JSON at column 9: unexpected character"},
      {R"({"a":[1 2]})", "invalid JSON at column 9: expected ',' or ']' in array"},
      {R"({"a":[1]]})", "invalid JSON at column 9: expected ',' or '}' in object"},
      {R"({"a":1} x)", "invalid JSON at column 9: unexpected text after the object"},
      {R"({"a":1}{"b":2})", "invalid JSON at column 8: unexpected text after the object"},
      {R"({"a":1}})", "invalid JSON at column 8: unexpected text after the object"},
      {R"({"a":"x)", "invalid JSON at column 8: unterminated string"},
      {R"({"a":"\q"})", "invalid JSON at column 8: bad escape in string"},
      {R"({"a":"\u12G4"})", "invalid JSON at column 8: bad \\u escape in string"},
      {"{\"a\":\"tab\there\"}", "invalid JSON at column 10: control character in string"},
      {std::string("{\"a\":\"x\0y\"}", 11), "invalid JSON at column 8: control character in string"},
      {"{\"a\":\"\xFF\"}", "invalid JSON at column 7: invalid UTF-8 in string"},
      {"{\"a\":\"\xC0\xAF\"}", "invalid JSON at column 7: invalid UTF-8 in string"},
      {"{\"a\":\"\xED\xA0\x80\"}", "invalid JSON at column 7: invalid UTF-8 in string"},
      {"{\"a\":\"\xF4\x90\x80\x80\"}", "invalid JSON at column 7: invalid UTF-8 in string"},
      {"{\"a\":\"ab\xE2\x82\"}", "invalid JSON at column 9: invalid UTF-8 in string"},
      {R"({"a":01})", "invalid JSON at column 7: expected ',' or '}' in object"},
      {R"({"a":1.})", "invalid JSON at column 8: bad number"},
      {R"({"a":-})", "invalid JSON at column 7: bad number"},
      {R"({"a":1e})", "invalid JSON at column 8: bad number"},
      {R"({"a":+1})", "invalid JSON at column 6: unexpected character"},
      {R"({"a":.5})", "invalid JSON at column 6: unexpected character"},
      {R"({"a":NaN})", "invalid JSON at column 6: unexpected character"},
      {R"({"a":0x1F})", "invalid JSON at column 7: expected ',' or '}' in object"},
      {R"({"a":tru})", "invalid JSON at column 6: invalid literal"},
      {R"({"a":truex})", "invalid JSON at column 10: expected ',' or '}' in object"},
      {R"({"a":"b"x})", "invalid JSON at column 9: expected ',' or '}' in object"},
      {"\xEF\xBB\xBF{\"a\":1}", "invalid JSON at column 1: record is not a JSON object"},
  };
  for (const auto& [line, want] : cases) CHECK_MESSAGE(verdict(doc, line) == want, line);
  // The document is reused after every failure: a good line still parses.
  CHECK(verdict(doc, R"({"ok":true})") == "ok");
}

TEST_CASE("records: nesting up to 64 levels, no deeper") {
  ndjson::document doc;
  auto nested = [](int n) { return "{\"a\":" + std::string(n, '[') + std::string(n, ']') + "}"; };
  CHECK(verdict(doc, nested(63)) == "ok");
  CHECK(verdict(doc, nested(64)) == "invalid JSON at column 69: nesting too deep");
  CHECK(verdict(doc, nested(20000)) == "invalid JSON at column 69: nesting too deep");
}

TEST_CASE("records: no state carries from one record to the next") {
  // A record's index answers for its own spans only; the next parse
  // replaces it. (The reader this one replaced kept "the record accepted
  // last" in thread-local state.)
  ndjson::document doc;
  ndjson::parse_error err;
  padded_line one(R"({"s":[{"category":"F1"}]})");
  padded_line two(R"({"s":[{"category":"P1"},{"category":"F2"}]})");
  REQUIRE(doc.parse_object(one.text(), err, true));
  std::string_view first_s = doc.members()[0].value;
  REQUIRE(doc.elements_of(first_s).size() == 1);
  REQUIRE(doc.parse_object(two.text(), err, true));
  CHECK(doc.elements_of(first_s).empty());
  CHECK(doc.elements_of(doc.members()[0].value).size() == 2);
  padded_line bad("{\"s\":[}");
  REQUIRE_FALSE(doc.parse_object(bad.text(), err, true));
  CHECK(doc.members().empty());
}

TEST_CASE("values: any JSON text, for configuration files and response bodies") {
  ndjson::parse_error err;
  CHECK(ndjson::validate(R"([1,"a",{"b":null}])", err));
  CHECK(ndjson::validate(" \"x\" ", err));
  CHECK(ndjson::validate("12.5", err));
  CHECK(ndjson::validate("true", err));
  CHECK_FALSE(ndjson::validate("[1,2] 3", err));
  CHECK(err.message == "unexpected text after the value");
  CHECK(err.offset == 6);
  CHECK_FALSE(ndjson::validate("", err));
  CHECK(err.message == "unexpected end of input");
  CHECK_FALSE(ndjson::validate("\"a\" x", err));
  CHECK(err.message == "unexpected text after the value");
}

// Mutated records: the padded and the copied parse agree, an accepted record
// has members that lie inside it, and no input crashes the parser.
TEST_CASE("records: mutated lines, padded and unpadded parses agree") {
  const std::string base =
      R"({"type":"claim_status","claim_id":"PCN1","billed_amount":150.00,"statuses":[{"category":"F1","code":"65",)"
      R"("effective_date":"2026-10-01"}],"payer":{"id":"P1","name":"ACME"},"lines":[{"line_id":"1","modifiers":["25"]}]})";
  std::mt19937 rng(20261204);
  const char alphabet[] = "{}[]:,\"\\ 0123456789.eE+-truefalsnul\x01\xC3\xA9\xFF";
  ndjson::document a, b;
  int accepted = 0;
  for (int i = 0; i < 4000; ++i) {
    std::string l = base;
    int edits = 1 + static_cast<int>(rng() % 3);
    for (int k = 0; k < edits; ++k) {
      std::size_t at = rng() % l.size();
      char c = alphabet[rng() % (sizeof alphabet - 1)];
      switch (rng() % 3) {
        case 0: l[at] = c; break;
        case 1: l.insert(at, 1, c); break;
        default: l.erase(at, 1); break;
      }
    }
    ndjson::parse_error e1, e2;
    padded_line p(l);
    bool ok1 = a.parse_object(p.text(), e1, true);
    bool ok2 = b.parse_object(l, e2, false);
    REQUIRE(ok1 == ok2);
    if (!ok1) {
      CHECK(e1.offset == e2.offset);
      CHECK(e1.message == e2.message);
      CHECK(e1.offset <= l.size());
      continue;
    }
    ++accepted;
    auto m1 = a.members();
    auto m2 = b.members();
    REQUIRE(m1.size() == m2.size());
    for (std::size_t j = 0; j < m1.size(); ++j) {
      CHECK(m1[j].key == m2[j].key);
      CHECK(m1[j].value == m2[j].value);
      CHECK(m2[j].value.data() >= l.data());
      CHECK(m2[j].value.data() + m2[j].value.size() <= l.data() + l.size());
    }
  }
  CHECK(accepted > 100);
}
