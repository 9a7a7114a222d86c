#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "age/settings.hpp"
#include "cli/tool.hpp"

namespace claimkit::age {

/// The command line as typed; resolve() validates it into settings.
struct command_options {
  std::string as_of;
  std::string basis = "submitted";
  std::string buckets;
  std::string weights;
  std::string filing_limits;
  int recheck_days = -1;  // -1: not given
  std::string config_path;
  std::string ledger;
  std::string format_in;
  std::string columns;
  int older_than = -1;
  std::string min_amount;
  std::vector<std::string> states;
  std::vector<std::string> payers;
  std::vector<std::string> skip_payers;
  bool due_only = false;
  bool all = false;
  std::string sort;
  std::size_t top = 0;
  bool summary = false;
  std::string by;
  std::string format;
  bool ascii = false;
};

/// Defines claim-age's options (the help text comes from here).
void add_options(CLI::App& app, command_options& o);

/// Validates the options; throws claimkit::error (2) for a bad value or a
/// combination that makes no sense, (3) when a table cannot be read.
/// no_inputs: no FILE was given (with --ledger, the ledger's open claims
/// are read instead of standard input).
settings resolve(const command_options& o, bool stdout_is_terminal, bool no_inputs = false);

/// Runs claim-age: the add-fields pass, then the list or the report.
int run(cli::context& ctx, const command_options& o);

}  // namespace claimkit::age
