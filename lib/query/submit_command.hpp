#pragma once

#include <functional>

#include <CLI/CLI.hpp>

#include "cli/tool.hpp"

namespace claimkit::query {

/// Adds the `submit` subcommand (claims NDJSON -> claim status API ->
/// claim_status NDJSON) with all its options to `parent`. When `submit` is the
/// selected subcommand, a parse callback sets `body` to the function that runs
/// it, for the tool's main to hand to cli::run.
void add_submit_command(CLI::App& parent, cli::common_options& common, std::function<int(cli::context&)>& body);

}  // namespace claimkit::query
