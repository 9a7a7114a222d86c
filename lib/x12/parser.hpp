#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/reporter.hpp"
#include "cli/tool.hpp"
#include "io/input.hpp"
#include "io/output.hpp"
#include "io/stage.hpp"
#include "json/writer.hpp"
#include "x12/delimiters.hpp"
#include "x12/segment.hpp"

namespace claimkit::x12 {

struct reader_notice;

struct parse_options {
  bool strict = false;    // envelope findings are errors; the affected records are withheld
  bool segments = false;  // one record per segment instead of one per claim
};

/// Where the current segment sits: the control numbers around it.
struct envelope {
  std::string file;
  std::string interchange;      // ISA13
  std::string group;            // GS06
  std::string functional_id;    // GS01
  std::string group_version;    // GS08
  std::string transaction;      // ST02
  std::string transaction_set;  // ST01
  std::string version;          // ST03, else GS08
  std::uint64_t position = 0;   // segment position in the transaction (ST = 1)
};

/// Counters for a run (reported by the benchmark and the tests).
struct parse_stats {
  std::uint64_t segments = 0, interchanges = 0, transactions = 0, records = 0;
};

class parser;

/// Reads the segments of one transaction set and writes its records.
class transaction_handler {
 public:
  virtual ~transaction_handler() = default;
  virtual void begin(const segment& st) = 0;
  virtual void on_segment(const segment& seg) = 0;
  /// complete: the SE was seen (false when the input ended or a new ST/GS/ISA came first).
  virtual void end(bool complete) = 0;
};

/// Drives a run: tokenizes each input, checks envelopes (ISA/IEA, GS/GE,
/// ST/SE control numbers and counts, missing trailers), hands each
/// transaction to its handler, and reports findings with the code a 999 or
/// TA1 would carry and a position (never a value).
class parser {
 public:
  parser(io::output& out, cli::reporter& rep, parse_options opts);
  ~parser();
  void parse(io::input& in);
  /// Writes records that handlers still hold (after an input failed midway).
  void flush_pending();
  const parse_stats& stats() const { return stats_; }

  // --- for transaction handlers ---
  const envelope& env() const { return env_; }
  const delimiters& delims() const { return delims_; }
  /// The buffer records are appended to; call record_done() after each.
  std::string& out() { return strict_ ? stage_->buffer() : out_.buffer(); }
  void record_done();
  /// For handlers that render records into a json::writer and call
  /// this after each one: the records gather in the writer and leave in
  /// large writes (straight from it, no copy), or go to the stage at once
  /// under --strict. A handler calls flush_records() before its records
  /// could be followed by anybody else's (at the end of its transaction).
  template <typename Writer>
  void record_done(Writer& w) {
    if (strict_) {
      w.append_to(stage_->buffer());
      w.clear();
      record_done();
      return;
    }
    ++stats_.records;
    if (w.size() >= io::output::kHighWater) flush_records(w);
  }
  template <typename Writer>
  void flush_records(Writer& w) {
    if (!strict_ && w.size() > 0) out_.write(w.view());
    w.clear();
  }
  /// Writes the "source" member for a record whose first segment is seg_index.
  template <typename Writer>
  void write_source(Writer& w, std::uint64_t seg_index) {
    w.key("source");
    w.begin_object();
    w.key("channel");
    w.string("x12");
    w.field("file", env_.file);
    w.field("interchange", env_.interchange);
    w.field("group", env_.group);
    w.field("transaction", env_.transaction);
    if (!env_.transaction_set.empty()) {
      w.key("transaction_type");
      w.string(env_.transaction_set == "277" && env_.version.find("X214") != std::string::npos ? "277CA"
                                                                                               : env_.transaction_set);
    }
    w.field("version", env_.version);
    if (seg_index > 0) {
      w.key("segment");
      w.integer(seg_index);
    }
    w.end_object();
  }
  /// Keeps the segments read from now on valid until unpin() (see reader::pin).
  void pin();
  void unpin();
  /// A structural finding: a warning, or under --strict an error that
  /// withholds the records of the transaction (or group, or interchange)
  /// being read.
  void finding(const segment& seg, std::string_view kind, std::string_view code, std::string_view message);
  /// A problem that is an error in every mode (the records are still written).
  void problem(const segment& seg, std::string_view kind, std::string_view code, std::string_view message);

 private:
  // Inside a transaction set with a handler, in claims mode.
  bool fast_path_ok() const { return in_st_ && handler_ != nullptr && !opts_.segments; }
  enum class scope { transaction, group, interchange };
  void report(cli::severity sev, std::uint64_t line, std::uint64_t index, std::uint64_t offset,
              std::string_view segment_id, std::string_view text, std::string_view kind, std::string_view code,
              std::string_view message);
  void envelope_finding(scope s, const segment& seg, std::string_view kind, std::string_view code,
                        std::string_view message, bool always_error = false);
  scope current_scope() const { return in_st_ ? scope::transaction : in_gs_ ? scope::group : scope::interchange; }
  void on_other(const segment& seg);
  void on_isa(const segment& seg);
  void on_iea(const segment& seg);
  void on_gs(const segment& seg);
  void on_ge(const segment& seg);
  void on_st(const segment& seg);
  void on_se(const segment& seg);
  void on_ta1(const segment& seg);
  void close_transaction(bool complete, const segment* at);
  // at_end: the input ended inside the group (interchange): it is cut off.
  void close_group(const segment* at, bool at_end = false);
  void close_interchange(const segment* at, bool at_end = false);
  void end_of_input(const segment& last);
  void report_notices(const std::vector<reader_notice>& notices);

  io::output& out_;
  cli::reporter& rep_;
  parse_options opts_;
  bool strict_;
  std::unique_ptr<io::stage> stage_;
  std::unique_ptr<transaction_handler> segments_handler_;
  std::unique_ptr<transaction_handler> claims_;
  std::unique_ptr<transaction_handler> acks_;
  transaction_handler* handler_ = nullptr;
  // handler_ when it is the claims handler in claims mode (called without
  // the virtual dispatch); null otherwise.
  class claims_handler* direct_ = nullptr;
  class reader* reader_ = nullptr;
  envelope env_;
  delimiters delims_;
  parse_stats stats_;
  std::string extra_;

  bool in_isa_ = false, in_gs_ = false, in_st_ = false;
  bool bad_isa_ = false, bad_gs_ = false, bad_st_ = false;
  std::uint64_t isa_mark_ = 0, gs_mark_ = 0, st_mark_ = 0;
  std::uint64_t groups_ = 0, sets_ = 0, st_segments_ = 0;
  bool skip_st_ = false;  // transaction not read in this mode
  std::uint64_t isa_index_ = 0, gs_index_ = 0, st_index_ = 0;
  std::uint64_t last_line_ = 0, last_index_ = 0, last_offset_ = 0;
};

/// Parses every input of the run; an unreadable input is reported and the
/// others still parsed (exit 3 at the end). Returns the exit code.
int parse_all(cli::context& ctx, const parse_options& opts);

}  // namespace claimkit::x12
