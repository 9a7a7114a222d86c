#pragma once

#include <string>
#include <vector>

#include "status/normalizer.hpp"

namespace claimkit::status {

/// Renders rows as aligned text, one line per record, with a header line.
/// Long labels are cut to keep a line readable on a terminal.
std::string format_table(const std::vector<row>& rows);

}  // namespace claimkit::status
