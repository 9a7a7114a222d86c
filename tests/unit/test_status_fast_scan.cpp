#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "status/fast_scan.hpp"
#include "json/scan.hpp"

using namespace claimkit;

namespace {
// The splitters, on text inside the record fast::scan_object accepted last
// (where they walk its structural positions), against json's own splitters.
void same_nested(std::string_view value, json::kind kind, int depth = 0) {
  if (depth > 80)
    return;
  if (kind == json::kind::object) {
    std::vector<json::member> a, b;
    json::members_of(value, a);
    status::fast::members_of(value, b);
    REQUIRE(a.size() == b.size());
    // Straight from the index, when the object is in it.
    std::size_t count = 0;
    const char* end = nullptr;
    if (const json::member* m = status::fast::indexed_members(value.data(), count, end)) {
      REQUIRE(count == a.size());
      CHECK(end == value.data() + value.size());
      for (std::size_t i = 0; i < count; ++i) {
        CHECK(a[i].key == m[i].key);
        CHECK(a[i].value == m[i].value);
        CHECK(a[i].kind == m[i].kind);
      }
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
      CHECK(a[i].key == b[i].key);
      CHECK(a[i].value == b[i].value);
      CHECK(a[i].kind == b[i].kind);
      same_nested(a[i].value, a[i].kind, depth + 1);
      // member_value answers with the first member of that name.
      if (a[i].key.find('\\') == std::string_view::npos) {
        std::size_t first = 0;
        while (a[first].key != a[i].key)
          ++first;
        CHECK(status::fast::member_value(value, a[i].key) == a[first].value);
      }
    }
  } else if (kind == json::kind::array) {
    std::vector<std::string_view> a, b;
    json::elements_of(value, a);
    status::fast::elements_of(value, b);
    CHECK(a == b);
    for (std::string_view e : a) {
      json::kind k = e.empty()     ? json::kind::null
                     : e[0] == '{' ? json::kind::object
                     : e[0] == '[' ? json::kind::array
                                   : json::kind::string;
      same_nested(e, k, depth + 1);
    }
  }
}

// Checks one line both ways; returns whether it was valid.
bool agree(const std::string &l) {
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
    for (const auto &m : b)
      same_nested(m.value, m.kind);
  }
  return slow;
}

// Runs body once for each block-mask width this CPU has; the widest is left
// in use afterwards.
template <class F> void each_isa(F body) {
  int ran = 0;
  for (auto isa : {cpu::vector_isa::sse2, cpu::vector_isa::avx2,
                   cpu::vector_isa::avx512}) {
    if (!status::fast::use_block_isa(isa))
      continue;
    ++ran;
    body();
  }
  status::fast::use_block_isa(cpu::vector_isa::best);
  CHECK(ran >= 1);
}
} // namespace

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
  each_isa([&] {
    for (const auto &l : lines)
      agree(l);
  });
}

TEST_CASE("the splitters find the same members and elements as the validating "
          "scanner") {
  std::string obj =
      R"({ "a" : "x\"y\\" , "b":[1,{"c":"]}"}], "d":-1.5e3,"e":{}})";
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

// Plain-ASCII records take the block-mask path: cut, spliced and mutated
// copies of record-shaped lines (crossing 64-byte block edges at every
// offset) must get the same answer and the same members as the byte-wise
// scanner.
TEST_CASE(
    "the block-mask path agrees with json::scan_object on mutated records") {
  const std::vector<std::string> seeds = {
      R"({"type":"claim_status","claim_id":"PCN00000001","payer":{"name":"SAMPLE PLAN","id":"99999"},)"
      R"("billed_amount":101.01,"paid_amount":0,"statuses":[{"category":"F2","code":"88","entity":"QC",)"
      R"("effective_date":"2026-11-01"},{"category":"A2","code":"20"}],"lines":[{"line_id":"1",)"
      R"("units":1,"modifiers":["25","59"],"statuses":[]}],"flag":true,"none":null,"neg":-0.5e+2})",
      " { \"a\" : [ 1 , 2 ] ,\t\"b\" : { } , \"c\" : \"\" , \"d\" : [ ] , "
      "\"e\" : false }\r",
      R"({"deep":[[[[{"x":[{"y":{"z":[1,2,{"w":"}]{[:,"}]}}]}]]]],"k":"v"})",
  };
  const std::string alphabet = "{}[]:,\" \t\r\n0123456789-+.eEtrufalsn\x01\x1f"
                               "abcXYZ";
  std::uint64_t state = 0x9E3779B97F4A7C15u;
  auto next = [&state] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  each_isa([&] {
    std::size_t valid = 0, total = 0;
    for (const auto &seed : seeds) {
      // Shifted across block edges by leading spaces.
      for (std::size_t pad = 0; pad < 70; ++pad) {
        valid += agree(std::string(pad, ' ') + seed) ? 1 : 0;
        ++total;
      }
      // Every prefix (unterminated strings, open containers).
      for (std::size_t cut = 0; cut < seed.size(); ++cut) {
        valid += agree(seed.substr(0, cut)) ? 1 : 0;
        ++total;
      }
      // One to three random byte changes, insertions and deletions.
      for (int round = 0; round < 4000; ++round) {
        std::string m = seed;
        int edits = 1 + static_cast<int>(next() % 3);
        for (int k = 0; k < edits && !m.empty(); ++k) {
          std::size_t at = next() % m.size();
          char c = alphabet[next() % alphabet.size()];
          switch (next() % 3) {
          case 0:
            m[at] = c;
            break;
          case 1:
            m.insert(at, 1, c);
            break;
          default:
            m.erase(at, 1);
            break;
          }
        }
        valid += agree(m) ? 1 : 0;
        ++total;
      }
    }
    // Both outcomes must be well represented for the comparison to mean
    // anything.
    CHECK(valid > total / 10);
    CHECK(valid < total * 9 / 10);
  });
}
