#pragma once

#include <string_view>

namespace claimkit::cli {

/// A warning from library code that concerns no record (a file made
/// private): printed on stderr as `tool: message` by the running tool, even
/// with -q. Does nothing outside cli::run.
void warn(std::string_view message);

}  // namespace claimkit::cli
