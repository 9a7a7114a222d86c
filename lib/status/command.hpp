#pragma once

#include <string>

#include "cli/tool.hpp"

namespace claimkit::status {

struct options {
  std::string format = "ndjson";  // ndjson | table
  std::string rules_path;         // --rules FILE
  std::string codes_dir;          // --codes DIR (else $CLAIMKIT_CODES_DIR)
  bool print_rules = false;
};

/// The whole of status-normalize: loads rules and code lists, reads every
/// input and writes normalized records (or the table, or the rules).
int run(cli::context& ctx, const options& opt);

}  // namespace claimkit::status
