#include <doctest/doctest.h>

#include <string>

#include "core/error.hpp"
#include "status/rules.hpp"

using claimkit::status::parse_rules;
using claimkit::status::rule_set;

namespace {

std::string error_of(const std::string& text) {
  try {
    parse_rules(text, "r.json");
  } catch (const claimkit::error& e) {
    CHECK(e.code() == claimkit::cli::exit_code::usage);
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("rules file errors give line and column") {
  CHECK(error_of("{\n  \"rules\": [\n    {\"state\": \"paid\",}\n  ]\n}") == "r.json:3:22: expected object key");
  CHECK(error_of("{\"rules\": [{\"state\": \"gone\", \"action\": \"a\", \"queue\": \"q\"}]}") ==
        "r.json:1:22: unknown state (see status-normalize(1) for the list)");
  CHECK(error_of("{\n\"rules\": [\n {\"categry\": \"F2\"}]}") == "r.json:3:3: unknown key \"categry\" in rule");
  CHECK(error_of("{\"rules\": [{\"action\": \"a\", \"queue\": \"q\"}]}") == "r.json:1:12: rule has no \"state\"");
  CHECK(error_of("{\"rules\": {}}") == "r.json:1:11: rules must be an array");
  CHECK(error_of("[]") == "r.json:1:1: a rules file must be a JSON object");
  CHECK(error_of("{\"rules\": [{\"state\": \"paid\", \"action\": \"a\", \"queue\": \"q\", \"min_billed\": \"10\"}]}") ==
        "r.json:1:73: min_billed must be a number");
  CHECK(error_of("{\"escalation\": {\"phone\": [1]}}") == "r.json:1:27: phone must hold only strings");
  CHECK(error_of("{\"escalation\": {\"fallback\": \"fax\"}}") == "r.json:1:29: fallback must be portal, phone or none");
  CHECK(error_of("{\"rules\": [{\"state\": \"paid\", \"action\": \"a\", \"queue\": \"q\", \"escalate\": \"fax\"}]}") ==
        "r.json:1:71: escalate must be none, portal, phone, auto or preferred");
  CHECK(error_of("{\"colour\": 1}") == "r.json:1:2: unknown key \"colour\"");
}

TEST_CASE("user rules come first, payer rules before the others, then the built-in rules") {
  rule_set rs = parse_rules(R"({"rules": [
      {"name": "big", "min_billed": 10000, "state": "pending", "action": "wait", "queue": "high_dollar"},
      {"name": "acme", "payer": "60054", "category": "P*", "state": "pending", "action": "escalate",
       "queue": "acme_calls", "escalate": "phone"}
    ]})",
                            "r.json");
  REQUIRE(rs.rules.size() > 3);
  CHECK(rs.rules[0].name == "acme");
  CHECK(rs.rules[0].payers == std::vector<std::string>{"60054"});
  CHECK(rs.rules[0].categories == std::vector<std::string>{"P*"});
  CHECK(rs.rules[1].name == "big");
  CHECK(*rs.rules[1].min_billed == 10000);
  CHECK(rs.rules[1].reason == "matched rule big");
  CHECK(rs.rules[2].builtin);
  CHECK(rs.rules.back().name == "no-recognised-status");
}

TEST_CASE("defaults false leaves only the file's rules") {
  rule_set rs = parse_rules(R"({"defaults": false, "rules": [{"state": "unknown", "action": "review", "queue": "q"}]})",
                            "r.json");
  REQUIRE(rs.rules.size() == 1);
  CHECK(rs.rules[0].name == "rule-1");
  CHECK(rs.rules[0].escalate == "none");
}

TEST_CASE("the printed rules parse back to the same rules") {
  rule_set rs = parse_rules(R"({"escalation": {"phone": ["60054"], "portal": ["87726"], "fallback": "none"},
      "rules": [{"name": "x", "type": "claim_status", "channel": ["x12"], "entity": "PR", "code": ["", "0"],
                 "max_paid": 0.5, "state": "pending", "action": "wait", "queue": "q", "reason": "why \"quoted\""}]})",
                            "r.json");
  std::string printed = claimkit::status::to_json(rs);
  rule_set again = parse_rules(printed, "printed");
  CHECK(claimkit::status::to_json(again) == printed);
  CHECK(again.esc.phone == std::vector<std::string>{"60054"});
  CHECK(again.esc.fallback == "none");
  CHECK(again.rules.size() == rs.rules.size());
  CHECK(again.rules[0].reason == "why \"quoted\"");
  CHECK(*again.rules[0].max_paid == 0.5);
}

TEST_CASE("every built-in rule produces a known state and escalation mode") {
  for (const auto& r : claimkit::status::default_rules()) {
    CHECK_MESSAGE(claimkit::status::is_state(r.state), r.name);
    CHECK_MESSAGE(claimkit::status::is_escalate_mode(r.escalate), r.name);
    CHECK_MESSAGE(!r.reason.empty(), r.name);
  }
}
