// Unit tests for the JSON writers.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "json/fast_writer.hpp"
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

TEST_CASE("fast writer matches the plain writer") {
  json::fast_writer f;
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

namespace {

// One record through either writer (the shape of an x12-parse claim: nested
// objects, arrays of objects and of strings, empty containers, optional
// fields, rendered members, amounts that need converting).
template <typename W>
void sample_record(W& w, const std::string& big, int n) {
  auto o = w.open_object();
  w.key("type");
  w.literal("\"claim_status\"");
  w.field("absent", "");
  w.field("id", "PCN0001");
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
    w.field("line_id", i % 2 == 0 ? "1" : "");
    w.key("modifiers");
    auto m = w.open_array();
    w.array_string("25");
    w.array_string("59");
    w.close_array(m);
    w.amount_field("billed_amount", "150.00", true);
    w.amount_field("paid_amount", ".5", false);
    w.amount_field("units", "", false);
    w.date_field("service_date", "20261001");
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

TEST_CASE("plain cursor writes what the fast writer writes for escape-free values") {
  // Values are read 32 bytes at a time: keep room after each.
  std::string big(40, 'X');
  big.reserve(big.size() + 64);
  for (int n : {0, 1, 3, 2000}) {  // 2000 lines outgrow the writers' first buffer midway
    json::fast_writer checked;
    checked.clear();
    checked.begin_record();
    sample_record(checked, big, n);
    json::fast_writer plain;
    plain.clear();
    plain.begin_record();
    json::plain_cursor c(plain);
    sample_record(c, big, n);
    c.done();
    REQUIRE(plain.view() == checked.view());
    if (n == 1) {
      CHECK(plain.view() ==
            R"({"type":"claim_status","id":"PCN0001","long":"XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX","payer":{"name":"ACME"},)"
            R"("empty":{},"none":[],"lines":[{"line_id":"1","modifiers":["25","59"],"billed_amount":150.00,)"
            R"("paid_amount":0.5,"service_date":"2026-10-01"}],"source":{"channel":"x12","segment":1234567}})");
    }
  }
}
