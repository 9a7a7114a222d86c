#pragma once

#include <cstddef>
#include <istream>
#include <string>
#include <string_view>
#include <vector>

namespace claimkit::csv {

/// Reads CSV records as RFC 4180 writes them: comma-separated cells, cells in
/// double quotes may hold commas, line breaks and doubled quotes; CRLF or LF
/// line ends; a UTF-8 byte order mark before the first cell is dropped.
/// Exports are more lenient than the RFC, and so is the reader: a quote
/// inside an unquoted cell is kept as text, and text after a closing quote is
/// appended to the cell.
class reader {
 public:
  explicit reader(std::istream& in) : in_(&in) {}

  /// Reads the next record into cells; false at the end of the input. A blank
  /// line is a record of one empty cell. Throws claimkit::error (exit 1 kind:
  /// the input is malformed) when a quoted cell is still open at the end.
  bool next(std::vector<std::string>& cells);

  /// 1-based line on which the record last returned by next() started.
  std::size_t line() const { return record_line_; }

 private:
  std::istream* in_;
  std::size_t line_ = 1;
  std::size_t record_line_ = 0;
  bool first_ = true;
};

/// A message of reader::next() ("line N: ...") as tools print it: "name:N: ...".
std::string at_file(const std::string& name, std::string_view message);

}  // namespace claimkit::csv
