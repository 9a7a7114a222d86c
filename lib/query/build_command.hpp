#pragma once

#include <cstddef>
#include <functional>
#include <string>

#include <CLI/CLI.hpp>

#include "cli/tool.hpp"

namespace claimkit::query {

/// What `claim-query build` is told on its command line.
struct build_options {
  std::string config_path;
  std::string sender_id, sender_qualifier, sender_name;
  std::string receiver_id, receiver_qualifier;
  std::string control_number;  // --control-number; text so that it is checked here
  std::string control_file;
  std::size_t max_claims = 0;  // 0: every claim in one interchange
  std::string out_dir;         // one file per interchange instead of stdout
  std::string trace_field = "claim_id";
  std::string format_in;  // --format-in: ndjson, csv, or empty (by file name)
  std::string columns;    // --columns FIELD=HEADER,...
  bool test = false;
};

/// Reads claims, validates them and writes 276 interchanges (stdout, or one
/// file per interchange under out_dir with an NDJSON line per file on
/// stdout). Bad claims go to the reporter; returns the exit code.
int run_build(cli::context& ctx, const build_options& opts);

/// Adds the `build` subcommand; when it is selected, sets body.
void add_build_command(CLI::App& parent, cli::common_options& common, std::function<int(cli::context&)>& body);

}  // namespace claimkit::query
