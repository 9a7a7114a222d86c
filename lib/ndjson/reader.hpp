#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/reporter.hpp"
#include "io/input.hpp"
#include "ndjson/value.hpp"

namespace claimkit::ndjson {

/// One line of input. text excludes the newline and a trailing CR. At least
/// kPadding readable bytes follow text.data() + text.size() (simdjson's
/// padding), so the line is handed to simdjson without a copy.
struct line {
  std::string_view text;
  std::uint64_t number = 0;
  bool too_long = false;  // the line passed the limit; text is empty
};

/// How a line_reader gets the bytes of a regular file. read copies them into
/// its buffer. map hands out lines straight from a read-only mapping of the
/// file, a window at a time (each released when the next is mapped, so memory
/// stays flat): no copy, but a file truncated while it is read faults the
/// process (cli::run turns that SIGBUS into a message and exit status 3, the
/// records written so far kept), which is why a tool has to ask for it. Pipes, terminals and files
/// of unknown size are read either way, and so is whatever a window cannot
/// hold (the last line, a line longer than a window, bytes appended after
/// the reader started).
enum class file_access { read, map };

class line_reader {
 public:
  static constexpr std::size_t kPadding = ndjson::kPadding;
  explicit line_reader(io::input& in, std::size_t max_line = 64u << 20, file_access access = file_access::read);
  line_reader(const line_reader&) = delete;
  line_reader& operator=(const line_reader&) = delete;
  ~line_reader();
  /// Returns false at end of input.
  bool next(line& out);

  /// Bytes of one mapped window (a multiple of the page size).
  static constexpr std::size_t kWindow = std::size_t{1} << 20;

 private:
  bool fill();
  bool next_mapped(line& out);
  bool hand_out(const char* start, std::size_t len, line& out) const;
  bool map_window();
  void stop_mapping();
  io::input& in_;
  std::size_t max_line_;
  std::vector<char> buf_;
  std::size_t begin_ = 0, end_ = 0;
  std::uint64_t number_ = 0;
  bool eof_ = false;
  // The mapped window [map_at_, map_at_ + map_len_) of the file, while lines
  // come from it; next_ is the file offset of the first byte not yet handed
  // out and size_ the file size when the reader started.
  bool mapping_ = false;
  const char* map_ = nullptr;
  std::uint64_t map_at_ = 0, map_len_ = 0, next_ = 0, size_ = 0;
};

/// A record as a tool sees it: the line, its validated top-level members,
/// and where it came from. doc, when set, is the parsed line: it lists the
/// members of any object or array inside the record without parsing again
/// (pass it to members_of / elements_of).
struct record {
  std::string_view text;
  std::vector<ndjson::member> members;
  cli::position pos;
  const document* doc = nullptr;

  const ndjson::member* get(std::string_view key) const { return ndjson::find(members, key); }
  /// The decoded string value of key; empty when absent or not a string.
  std::string_view string(std::string_view key, std::string& scratch) const;
  /// The members of an object value / elements of an array value of this record.
  void members_of(std::string_view raw, std::vector<ndjson::member>& out) const { ndjson::members_of(raw, out, doc); }
  void elements_of(std::string_view raw, std::vector<std::string_view>& out) const {
    ndjson::elements_of(raw, out, doc);
  }
};

/// Parses one record line (padding after it, as the line reader gives) into
/// rec: validates every value, lists its members, points rec.doc at doc.
/// On failure err holds the column (offset + 1) and today's wording.
bool parse_record(std::string_view text, document& doc, record& rec, parse_error& err, bool padded = true);

/// The message a tool prints for a line that is not a valid record.
std::string invalid_json_message(const parse_error& err);

/// Thrown by a record handler to reject the record: the loop reports it
/// (`tool: file:line: message`), copies the record into --errors, and goes on.
struct bad_record {
  std::string kind;
  std::string message;
};

/// Reads every input as NDJSON and calls handle for each record that is a
/// valid JSON object. Blank lines are skipped; invalid JSON, non-objects and
/// over-long lines are reported and go to --errors with the raw line.
/// access: file_access::map for a tool that has asked for mapped reading.
void for_each_record(const std::vector<std::string>& inputs, cli::reporter& rep,
                     const std::function<void(record&)>& handle, file_access access = file_access::read);

}  // namespace claimkit::ndjson
