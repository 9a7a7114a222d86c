#include "csv/reader.hpp"

#include <fmt/format.h>

#include "core/error.hpp"

namespace claimkit::csv {

bool reader::next(std::vector<std::string>& cells) {
  cells.clear();
  std::istream& in = *in_;
  int c = in.get();
  if (c == std::char_traits<char>::eof()) return false;
  if (first_) {
    first_ = false;
    // A spreadsheet's UTF-8 byte order mark is not part of the first header.
    if (c == 0xEF && in.peek() == 0xBB) {
      in.get();
      if (in.peek() == 0xBF) {
        in.get();
        c = in.get();
        if (c == std::char_traits<char>::eof()) return false;
      } else {
        in.unget();
      }
    }
  }
  record_line_ = line_;
  std::string cell;
  bool quoted = false;      // inside a quoted section
  bool was_quoted = false;  // the cell started with a quote
  auto end_record = [&] {
    cells.push_back(std::move(cell));
    return true;
  };
  for (;; c = in.get()) {
    if (c == std::char_traits<char>::eof()) {
      if (quoted) {
        throw error(cli::exit_code::rejected,
                    fmt::format("line {}: a quoted cell is not closed at the end of the input", record_line_));
      }
      return end_record();
    }
    char ch = static_cast<char>(c);
    if (quoted) {
      if (ch == '"') {
        if (in.peek() == '"') {
          in.get();
          cell.push_back('"');
        } else {
          quoted = false;
        }
      } else {
        if (ch == '\n') ++line_;
        cell.push_back(ch);
      }
      continue;
    }
    switch (ch) {
      case '"':
        if (cell.empty() && !was_quoted) {
          quoted = was_quoted = true;
        } else {
          cell.push_back('"');
        }
        break;
      case ',':
        cells.push_back(std::move(cell));
        cell.clear();
        was_quoted = false;
        break;
      case '\r':
        if (in.peek() == '\n') break;  // CRLF: the LF ends the record
        cell.push_back(ch);
        break;
      case '\n': ++line_; return end_record();
      default: cell.push_back(ch);
    }
  }
}

std::string at_file(const std::string& name, std::string_view message) {
  if (message.substr(0, 5) == "line ") return fmt::format("{}:{}", name, message.substr(5));
  return fmt::format("{}: {}", name, message);
}

}  // namespace claimkit::csv
