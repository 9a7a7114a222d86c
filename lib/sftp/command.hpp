#pragma once

#include <functional>

#include <CLI/CLI.hpp>

#include "cli/tool.hpp"

namespace claimkit::sftp {

/// Adds `send` (upload batch files) to parent; when selected, sets body.
void add_send_command(CLI::App& parent, cli::common_options& common, std::function<int(cli::context&)>& body);
/// Adds `fetch` (download new files into an inbox); when selected, sets body.
void add_fetch_command(CLI::App& parent, cli::common_options& common, std::function<int(cli::context&)>& body);

}  // namespace claimkit::sftp
