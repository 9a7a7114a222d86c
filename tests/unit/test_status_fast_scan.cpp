#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "json/scan.hpp"
#include "status/fast_scan.hpp"

using namespace claimkit;

// The fast check must agree with json::scan_object on every line: a
// disagreement would let an invalid record through or refuse a valid one.
TEST_CASE("fast::scan_object agrees with json::scan_object") {
  const std::vector<std::string> lines = {
      R"({})",
      R"({"a":1})",
      R"( {"a" : [1, 2.5e-3, -0, true, false, null, {"b":"c"}]} )",
      R"({"s":"plain ascii text that is longer than eight bytes","t":"\"\\\/\b\f\n\r\t\u00e9"})",
      "{\"u\":\"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80\"}",
      R"({"a":1,})",
      R"({"a":01})",
      R"({"a":1.})",
      R"({"a":-})",
      R"({"a":tru})",
      R"({"a":"\x"})",
      R"({"a":"\u12G4"})",
      "{\"a\":\"tab\there\"}",
      "{\"a\":\"\xC0\xAF\"}",
      "{\"a\":\"\xED\xA0\x80\"}",
      "{\"a\":\"\xF4\x90\x80\x80\"}",
      "{\"a\":\"abcdefgh\xE2\x82\"}",
      R"({"a":"unterminated)",
      R"({"a":1} x)",
      R"([1])",
      R"("x")",
      R"({"a":[1,]})",
      R"({"a":{"b":}})",
      R"({"a" 1})",
      R"({1:2})",
      std::string(70, '[').insert(0, "{\"a\":") + std::string(70, ']') + "}",
      std::string(60, '[').insert(0, "{\"a\":") + std::string(60, ']') + "}",
  };
  for (const auto& l : lines) {
    std::vector<json::member> a, b;
    json::scan_error err;
    bool slow = json::scan_object(l, a, err);
    bool fast = status::fast::scan_object(l, b);
    CHECK_MESSAGE(slow == fast, l);
    if (slow && fast) {
      REQUIRE(a.size() == b.size());
      for (std::size_t i = 0; i < a.size(); ++i) {
        CHECK(a[i].key == b[i].key);
        CHECK(a[i].value == b[i].value);
        CHECK(a[i].kind == b[i].kind);
      }
    }
  }
}

TEST_CASE("the splitters find the same members and elements as the validating scanner") {
  std::string obj = R"({ "a" : "x\"y\\" , "b":[1,{"c":"]}"}], "d":-1.5e3,"e":{}})";
  std::vector<json::member> a, b;
  json::members_of(obj, a);
  status::fast::members_of(obj, b);
  REQUIRE(a.size() == b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    CHECK(a[i].key == b[i].key);
    CHECK(a[i].value == b[i].value);
    CHECK(a[i].kind == b[i].kind);
  }
  std::vector<std::string_view> x, y;
  std::string arr = R"([ "a\\", {"b":"]"} , 3 ,[[]] ])";
  json::elements_of(arr, x);
  status::fast::elements_of(arr, y);
  CHECK(x == y);
}
