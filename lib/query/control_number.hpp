#pragma once

#include <cstdint>
#include <string>

namespace claimkit::query {

/// The largest interchange control number (ISA13 is nine digits).
constexpr std::uint64_t kMaxControlNumber = 999999999;

/// Takes the next control number from a counter file and returns it. The
/// file holds the last number handed out (absent or empty: none yet). The
/// update is atomic and serialised between processes: an exclusive flock,
/// the new value written to a temporary file in the same directory, fsync,
/// rename over the counter, fsync of the directory. A number is never
/// handed out twice, even when the run that took it fails later.
/// Throws claimkit::error (exit 3 for I/O, 2 for a malformed counter or an
/// exhausted number space).
std::uint64_t next_control_number(const std::string& path);

/// Reads the counter without changing it (0 when the file is absent).
std::uint64_t peek_control_number(const std::string& path);

/// Parses a control number given on the command line: 1-999999999.
/// Returns false when text is not such a number.
bool parse_control_number(const std::string& text, std::uint64_t& out);

}  // namespace claimkit::query
