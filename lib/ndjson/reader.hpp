#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/reporter.hpp"
#include "io/input.hpp"
#include "json/scan.hpp"

namespace claimkit::ndjson {

/// One line of input. text excludes the newline and a trailing CR. At least
/// kPadding readable bytes follow text.data() + text.size() (simdjson's
/// padding), so the line can be handed to simdjson without a copy.
struct line {
  std::string_view text;
  std::uint64_t number = 0;
  bool too_long = false;  // the line passed the limit; text is empty
};

class line_reader {
 public:
  static constexpr std::size_t kPadding = 64;
  explicit line_reader(io::input& in, std::size_t max_line = 64u << 20);
  /// Returns false at end of input.
  bool next(line& out);

 private:
  bool fill();
  io::input& in_;
  std::size_t max_line_;
  std::vector<char> buf_;
  std::size_t begin_ = 0, end_ = 0;
  std::uint64_t number_ = 0;
  bool eof_ = false;
};

/// A record as a tool sees it: the line, its validated top-level members,
/// and where it came from.
struct record {
  std::string_view text;
  std::vector<json::member> members;
  cli::position pos;

  const json::member* get(std::string_view key) const { return json::find(members, key); }
  /// The decoded string value of key; empty when absent or not a string.
  std::string_view string(std::string_view key, std::string& scratch) const;
};

/// Thrown by a record handler to reject the record: the loop reports it
/// (`tool: file:line: message`), copies the record into --errors, and goes on.
struct bad_record {
  std::string kind;
  std::string message;
};

/// Reads every input as NDJSON and calls handle for each record that is a
/// valid JSON object. Blank lines are skipped; invalid JSON, non-objects and
/// over-long lines are reported and go to --errors with the raw line.
void for_each_record(const std::vector<std::string>& inputs, cli::reporter& rep,
                     const std::function<void(record&)>& handle);

}  // namespace claimkit::ndjson
