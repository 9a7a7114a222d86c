#pragma once

#include <functional>
#include <string>

#include <CLI/CLI.hpp>

#include "cli/tool.hpp"
#include "query/record.hpp"

namespace claimkit::query {

/// What `claim-query record` is told: one status by options, or a CSV file
/// of them (the options then fill the cells a row leaves empty).
struct record_options {
  said_status fields;
  std::string csv_path;  // --csv FILE ("-": standard input)
};

/// Writes the claim_status records; bad rows go to the reporter. Returns
/// the exit code.
int run_record(cli::context& ctx, const record_options& opts);

/// Adds the `record` subcommand; when it is selected, sets body.
void add_record_command(CLI::App& parent, cli::common_options& common, std::function<int(cli::context&)>& body);

}  // namespace claimkit::query
