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

class normalizer;

/// The whole of status-normalize: loads rules and code lists, reads every
/// input and writes normalized records (or the table, or the rules).
int run(cli::context& ctx, const options& opt);

/// The record loop of run(): every input through norm, as NDJSON on ctx.out
/// or (table) as the aligned table.
void normalize_inputs(cli::context& ctx, normalizer& norm, bool table);

}  // namespace claimkit::status
