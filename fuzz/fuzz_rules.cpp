// Fuzzes the status-normalize rules file parser. A file that parses must
// print back (to_json) as a file that parses to the same text again.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "status/rules.hpp"

using namespace claimkit;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  status::rule_set rs;
  try {
    rs = status::parse_rules(text, "rules.json");
  } catch (const error& e) {
    if (e.code() != cli::exit_code::usage) std::abort();
    return 0;
  }
  std::string printed = status::to_json(rs);
  try {
    status::rule_set again = status::parse_rules(printed, "printed.json");
    if (status::to_json(again) != printed) std::abort();
  } catch (const error&) {
    std::abort();  // the printed rules must always parse
  }
  return 0;
}
