// Unit tests for the JSON writer.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "core/simd.hpp"
#include "json/writer.hpp"

using namespace claimkit;

TEST_CASE("strings are escaped into valid UTF-8 JSON") {
  std::string out;
  json::append_string(out, "plain");
  CHECK(out == "\"plain\"");
  out.clear();
  json::append_string(out, std::string("a\"b\\c\n\x01", 7));
  CHECK(out == "\"a\\\"b\\\\c\\n\\u0001\"");
  out.clear();
  json::append_string(out, "caf\xC3\xA9");
  CHECK(out == "\"caf\xC3\xA9\"");
  out.clear();
  json::append_string(out, "bad\xE9latin1");  // invalid UTF-8 byte
  CHECK(out == "\"bad\\ufffdlatin1\"");
}

TEST_CASE("X12 decimals keep their digits") {
  std::string out;
  CHECK(json::append_decimal(out, "150.00"));
  CHECK(out == "150.00");
  out.clear();
  CHECK(json::append_decimal(out, ".5"));
  CHECK(out == "0.5");
  out.clear();
  CHECK(json::append_decimal(out, "-007.10"));
  CHECK(out == "-7.10");
  out.clear();
  CHECK(json::append_decimal(out, "5."));
  CHECK(out == "5");
  CHECK_FALSE(json::append_decimal(out, "12A"));
  CHECK_FALSE(json::append_decimal(out, ""));
  CHECK_FALSE(json::is_plain_decimal("01"));
}

TEST_CASE("writer leaves absent values out and places commas") {
  std::string out;
  json::writer w(out);
  w.begin_object();
  w.field("a", "x");
  w.field("empty", "");
  w.decimal_field("n", "1.50");
  w.key("list");
  w.begin_array();
  w.string("p");
  w.integer(-3);
  w.end_array();
  w.decimal_field("text", "N/A");
  w.end_object();
  CHECK(out == R"({"a":"x","n":1.50,"list":["p",-3],"text":"N/A"})");
}

TEST_CASE("writer into its own buffer writes what writer(out) writes") {
  json::writer f;
  f.clear();
  f.begin_object();
  f.field("id", "AB\"1");
  f.date_field("d", "20261116");
  f.decimal_field("amt", ".25");
  f.members(R"("pre":1)");
  f.key("arr");
  f.begin_array();
  f.integer(7);
  f.end_array();
  f.end_object();
  CHECK(f.view() == R"({"id":"AB\"1","d":"2026-11-16","amt":0.25,"pre":1,"arr":[7]})");
}

TEST_CASE("writer(out): the text is in out after every call") {
  // Callers add to out between calls (a line end after each record).
  std::string out = "x";
  json::writer w(out);
  w.begin_object();
  CHECK(out == "x{");
  w.field("a", "1");
  CHECK(out == R"(x{"a":"1")");
  w.end_object();
  out.push_back('\n');
  w.begin_record();
  w.begin_object();
  w.key("big");
  w.string(std::string(5000, 'q'));
  w.end_object();
  CHECK(out == "x{\"a\":\"1\"}\n{\"big\":\"" + std::string(5000, 'q') + "\"}");
}

TEST_CASE("short values of every length are copied and escape-checked without reading past them") {
  // Each value sits at the very end of its own allocation: a read past it
  // is a heap overflow under ASan. Reference: json::append_string.
  const std::string alphabet = std::string("abcXYZ019 -.~*:") + "\"\\\x01\x1f\x7f\xc3\xa9\xff";
  std::uint32_t seed = 77;
  auto next = [&seed] { return seed = seed * 1103515245u + 12345u, seed >> 8; };
  int escaped = 0;
  for (int round = 0; round < 20000; ++round) {
    const std::size_t n = next() % 40;
    std::unique_ptr<char[]> v(new char[n == 0 ? 1 : n]);
    for (std::size_t i = 0; i < n; ++i) v[i] = alphabet[next() % alphabet.size()];
    const std::string_view sv(v.get(), n);
    std::string want = R"({"k":)";
    json::append_string(want, sv);
    want += "}";
    bool plain = true;  // by bytes: a valid UTF-8 pair is written as is, yet goes the checked way
    for (char ch : sv) {
      const auto c = static_cast<unsigned char>(ch);
      plain &= !(c < 0x20 || c >= 0x7f || c == '"' || c == '\\');
    }
    if (!plain) ++escaped;
    json::writer w;
    w.clear();
    w.begin_object();
    w.field("k", sv);
    w.end_object();
    INFO(round);
    REQUIRE(w.view() == (n == 0 ? std::string("{}") : want));
    std::string out;
    json::writer o(out);
    o.string(sv);
    REQUIRE(out == want.substr(5, want.size() - 6));
    REQUIRE(simd::json_plain(sv) == plain);
  }
  CHECK(escaped > 1000);  // both sides are reached
  CHECK(escaped < 19000);
}

namespace {

// One record through either writer (the shape of an x12-parse claim: nested
// objects, arrays of objects and of strings, empty containers, optional
// fields, rendered members, amounts that need converting).
template <typename W>
void sample_record(W& w, const std::string& big, int n) {
  // The values a plain_cursor is given lie in padded buffers.
  auto pad = [](std::string_view v) {
    std::string s;
    simd::padded_assign(s, v);
    return s;
  };
  const std::string id = pad("PCN0001"), one = pad("1"), m25 = pad("25"), m59 = pad("59"), billed = pad("150.00"),
                    half = pad(".5"), d8 = pad("20261001");
  auto o = w.open_object();
  w.key("type");
  w.raw("\"claim_status\"");
  w.field("absent", "");
  w.field("id", id);
  w.field("long", big);
  w.members(R"("payer":{"name":"ACME"})");
  w.key("empty");
  auto e = w.open_object();
  w.field("nothing", "");
  w.close_object(e);
  w.key("none");
  auto none = w.open_array();
  w.close_array(none);
  w.key("lines");
  auto a = w.open_array();
  for (int i = 0; i < n; ++i) {
    w.array_element();
    auto l = w.open_object();
    w.field("line_id", i % 2 == 0 ? std::string_view(one) : std::string_view());
    w.key("modifiers");
    auto m = w.open_array();
    w.array_string(m25);
    w.array_string(m59);
    w.close_array(m);
    w.amount_field("billed_amount", billed, true);
    w.amount_field("paid_amount", half, false);
    w.amount_field("units", "", false);
    w.date_field("service_date", d8);
    w.date_field("absent_date", "");
    w.close_object(l);
  }
  w.close_array(a);
  w.members(R"("source":{"channel":"x12")");
  w.key("segment");
  w.integer(1234567);
  w.close_rendered_object();
  w.close_object(o);
}

}  // namespace

TEST_CASE("plain cursor writes what the checking writer writes for escape-free values") {
  std::string big;
  simd::padded_assign(big, std::string(40, 'X'));
  for (int n : {0, 1, 3, 2000}) {  // 2000 lines outgrow the writers' first buffer midway
    json::writer checked;
    checked.clear();
    checked.begin_record();
    sample_record(checked, big, n);
    json::writer plain;
    plain.clear();
    plain.begin_record();
    json::plain_cursor c(plain);
    sample_record(c, big, n);
    c.done();
    REQUIRE(plain.view() == checked.view());
    if (n == 1) {
      CHECK(
          plain.view() ==
          R"({"type":"claim_status","id":"PCN0001","long":"XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX","payer":{"name":"ACME"},)"
          R"("empty":{},"none":[],"lines":[{"line_id":"1","modifiers":["25","59"],"billed_amount":150.00,)"
          R"("paid_amount":0.5,"service_date":"2026-10-01"}],"source":{"channel":"x12","segment":1234567}})");
    }
  }
}
