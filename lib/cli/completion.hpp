#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <string_view>

namespace claimkit::cli {

/// A completion script for `shell` ("bash", "zsh" or "fish") built by walking
/// the app's CLI11 definitions, so completions follow the options as they
/// change. Covers options (long and short names, whether they take a value),
/// values of type FILE/DIR/PATH (file names), IsMember choices, subcommands
/// with their own options, and positional arguments. Options in the hidden
/// (empty) group and hidden subcommands are left out.
/// Throws claimkit::error(exit_code::usage) for any other shell name.
std::string generate_completion(const CLI::App& app, std::string_view shell);

}  // namespace claimkit::cli
