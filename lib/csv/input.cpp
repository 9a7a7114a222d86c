#include "csv/input.hpp"

#include <sys/stat.h>
#include <cstring>
#include <istream>
#include <optional>
#include <streambuf>
#include <vector>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "core/error.hpp"
#include "csv/reader.hpp"
#include "io/input.hpp"
#include "ndjson/value.hpp"

namespace claimkit::csv {

namespace {

// The bytes of the current CSV record are kept from where it starts, so a
// rejected row goes to --errors as it was written, line breaks in quoted
// cells included; csv::reader reads an istream, io::input gives the exit-3
// errors and standard input.
class marked_buf : public std::streambuf {
 public:
  explicit marked_buf(io::input& in) : in_(in), buf_(kChunk) { setg(buf_.data(), buf_.data(), buf_.data()); }

  void mark() {
    mark_ = static_cast<std::size_t>(gptr() - eback());
    kept_ = true;
  }
  /// What was read since mark(); empty when that passed kMaxKept bytes.
  std::string_view since_mark() const {
    if (!kept_) return {};
    return {eback() + mark_, static_cast<std::size_t>(gptr() - eback()) - mark_};
  }

 protected:
  int_type underflow() override {
    if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
    std::size_t pos = static_cast<std::size_t>(gptr() - eback());
    // A quote left open can make the rest of a big file one record: stop
    // keeping it rather than hold the file in memory.
    if (kept_ && pos - mark_ > kMaxKept) kept_ = false;
    // One byte stays for the reader's unget.
    std::size_t from = kept_ ? mark_ : (pos > 0 ? pos - 1 : 0);
    std::size_t len = pos - from;
    if (from > 0) std::memmove(buf_.data(), buf_.data() + from, len);
    mark_ -= std::min(mark_, from);
    if (buf_.size() - len < kChunk) buf_.resize(len + kChunk);
    std::size_t got = in_.read(buf_.data() + len, buf_.size() - len);
    setg(buf_.data(), buf_.data() + len, buf_.data() + len + got);
    if (got == 0) return traits_type::eof();
    return traits_type::to_int_type(*gptr());
  }

 private:
  static constexpr std::size_t kChunk = 1u << 16;
  static constexpr std::size_t kMaxKept = 16u << 20;
  io::input& in_;
  std::vector<char> buf_;
  std::size_t mark_ = 0;
  bool kept_ = true;
};

// The record as written, without its line end.
std::string_view row_text(const marked_buf& buf) {
  std::string_view t = buf.since_mark();
  if (!t.empty() && t.back() == '\n') t.remove_suffix(1);
  if (!t.empty() && t.back() == '\r') t.remove_suffix(1);
  return t;
}

std::string_view without_line(std::string_view message) {
  if (message.substr(0, 5) != "line ") return message;
  auto colon = message.find(": ");
  return colon == std::string_view::npos ? message : message.substr(colon + 2);
}

bool all_blank(const std::vector<std::string>& cells) {
  for (const auto& c : cells) {
    if (c.find_first_not_of(" \t\r") != std::string::npos) return false;
  }
  return true;
}

// Reads the header line and matches it; nullopt for an empty input.
std::optional<claim_mapper> read_header(reader& rd, const std::string& name, const column_map& columns) {
  std::vector<std::string> header;
  try {
    if (!rd.next(header)) return std::nullopt;
    return claim_mapper(header, columns);
  } catch (const error& e) {
    if (e.code() == cli::exit_code::io) throw;
    // Without a header no row can be read: like a missing column, not a bad row.
    throw error(cli::exit_code::usage, at_file(name, e.what()));
  }
}

struct csv_source {
  io::input in;
  marked_buf buf;
  std::istream stream;
  csv::reader reader;

  explicit csv_source(const std::string& path) : in(path), buf(in), stream(&buf), reader(stream) {
    // A read error inside the stream buffer must reach cli::run (exit 3),
    // not end the input quietly.
    stream.exceptions(std::ios::badbit);
  }

  /// The next data row into cells; false at the end, or after reporting a
  /// row that is not CSV (an open quote runs to the end: nothing after it
  /// can be read as rows).
  bool next_row(std::vector<std::string>& cells, cli::reporter& rep) {
    buf.mark();
    try {
      return reader.next(cells);
    } catch (const error& e) {
      if (e.code() != cli::exit_code::rejected) throw;
      rep.error(cli::position{in.name(), reader.line()}, "invalid_csv", without_line(e.what()),
                cli::details{{}, row_text(buf), {}});
      return false;
    }
  }
};

}  // namespace

bool is_csv_input(const std::string& path, input_format format) {
  if (format != input_format::by_name) return format == input_format::csv;
  if (path == "-" || path.size() < 4) return false;
  std::string_view ext = std::string_view(path).substr(path.size() - 4);
  static constexpr std::string_view csv_ext = ".csv";
  for (std::size_t i = 0; i < 4; ++i) {
    char c = ext[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != csv_ext[i]) return false;
  }
  return true;
}

void check_csv_header(const std::string& path, const column_map& columns) {
  csv_source src(path);
  read_header(src.reader, src.in.name(), columns);
}

void for_each_csv_record(const std::string& path, const column_map& columns, cli::reporter& rep,
                         const std::function<void(ndjson::record&)>& handle) {
  csv_source src(path);
  const std::string& name = src.in.name();
  auto mapper = read_header(src.reader, name, columns);
  if (!mapper) return;

  std::vector<std::string> cells;
  std::string text;
  ndjson::parse_error err;
  ndjson::record rec;
  ndjson::document doc;
  for (;;) {
    if (!src.next_row(cells, rep)) break;
    if (all_blank(cells)) continue;
    text = mapper->to_ndjson(cells);
    if (!ndjson::parse_record(text, doc, rec, err, false)) {
      throw error(cli::exit_code::internal, fmt::format("{}:{}: a CSV row made invalid JSON at column {}: {}", name,
                                                        src.reader.line(), err.offset + 1, err.message));
    }
    rec.pos = cli::position{name, src.reader.line()};
    try {
      handle(rec);
    } catch (const ndjson::bad_record& b) {
      rep.error(rec.pos, b.kind, b.message, cli::details{{}, row_text(src.buf), {}});
    }
  }
}

void for_each_csv_row(const std::string& path, cli::reporter& rep,
                      const std::function<void(const std::vector<std::string>&)>& header,
                      const std::function<void(const std::vector<std::string>&, const cli::position&)>& row) {
  csv_source src(path);
  const std::string& name = src.in.name();
  std::vector<std::string> cells;
  try {
    if (!src.reader.next(cells)) return;
    header(cells);
  } catch (const error& e) {
    if (e.code() == cli::exit_code::io) throw;
    throw error(cli::exit_code::usage,
                at_file(name, e.code() == cli::exit_code::rejected ? std::string(e.what())
                                                                   : fmt::format("line 1: {}", e.what())));
  }
  for (;;) {
    if (!src.next_row(cells, rep)) break;
    if (all_blank(cells)) continue;
    cli::position pos{name, src.reader.line()};
    try {
      row(cells, pos);
    } catch (const ndjson::bad_record& b) {
      rep.error(pos, b.kind, b.message, cli::details{{}, row_text(src.buf), {}});
    }
  }
}

void check_inputs(const std::vector<std::string>& inputs, input_format format, const column_map& columns,
                  bool columns_given) {
  bool any_csv = false;
  for (const auto& path : inputs) {
    if (!is_csv_input(path, format)) continue;
    any_csv = true;
    struct stat st {};
    if (path != "-" && ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode)) check_csv_header(path, columns);
  }
  if (columns_given && !any_csv) {
    throw error(cli::exit_code::usage, "--columns applies to CSV input (files named *.csv, or --format-in csv)");
  }
}

void for_each_claim_record(const std::vector<std::string>& inputs, input_format format, const column_map& columns,
                           cli::reporter& rep, const std::function<void(ndjson::record&)>& handle) {
  for (const auto& path : inputs) {
    if (is_csv_input(path, format)) {
      for_each_csv_record(path, columns, rep, handle);
    } else {
      ndjson::for_each_record({path}, rep, handle);
    }
  }
}

void add_input_options(CLI::App& app, std::string& format_in, std::string& columns) {
  app.add_option("--format-in", format_in,
                 "Input format, ndjson or csv; default csv for files named *.csv, else ndjson")
      ->type_name("FORMAT")
      ->check(CLI::IsMember({"ndjson", "csv"}));
  app.add_option("--columns", columns,
                 "CSV header mapping FIELD=HEADER,..., e.g. claim_id=Claim #,billed_amount=Charges")
      ->type_name("MAP");
}

input_format parse_input_format(const std::string& text) {
  return text == "csv" ? input_format::csv : text == "ndjson" ? input_format::ndjson : input_format::by_name;
}

}  // namespace claimkit::csv
