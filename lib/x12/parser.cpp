#include "x12/parser.hpp"

#include <charconv>

#include <fmt/format.h>

#include "core/error.hpp"

#include "x12/acks.hpp"
#include "x12/claims.hpp"
#include "x12/reader.hpp"
#include "x12/segment_records.hpp"
#include "x12/values.hpp"

namespace claimkit::x12 {
namespace {

bool parse_count(std::string_view s, std::uint64_t& v) {
  s = trim(s);
  if (s.empty()) return false;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

// GS01 functional identifier each transaction set belongs in.
std::string_view functional_id_for(std::string_view set) {
  if (set == "277") return "HN";
  if (set == "276") return "HR";
  if (set == "999" || set == "997") return "FA";
  if (set == "835") return "HP";
  if (set == "837") return "HC";
  if (set == "270") return "HS";
  if (set == "271") return "HB";
  if (set == "278") return "HI";
  if (set == "834") return "BE";
  if (set == "820") return "RA";
  return {};
}

constexpr std::uint32_t kGE = tag_code("GE");
constexpr std::uint32_t kGS = tag_code("GS");
constexpr std::uint32_t kIEA = tag_code("IEA");
constexpr std::uint32_t kISA = tag_code("ISA");
constexpr std::uint32_t kSE = tag_code("SE");
constexpr std::uint32_t kST = tag_code("ST");
constexpr std::uint32_t kTA1 = tag_code("TA1");

bool is_set_id(std::string_view s) {
  if (s.size() != 3) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

parser::parser(io::output& out, cli::reporter& rep, parse_options opts)
    : out_(out), rep_(rep), opts_(opts), strict_(opts.strict) {
  if (strict_) stage_ = std::make_unique<io::stage>(out_);
  if (opts_.segments) {
    segments_handler_ = std::make_unique<segment_records>(*this);
  } else {
    claims_ = std::make_unique<claims_handler>(*this);
    acks_ = std::make_unique<acks_handler>(*this);
  }
}

parser::~parser() = default;

void parser::flush_pending() {
  if (segments_handler_) static_cast<segment_records&>(*segments_handler_).finish();
  if (claims_) static_cast<claims_handler&>(*claims_).finish();
}

void parser::record_done() {
  ++stats_.records;
  if (strict_) stage_->record_done();
  else out_.maybe_flush();
}

void parser::pin() {
  if (reader_ != nullptr) reader_->pin();
}

void parser::unpin() {
  if (reader_ != nullptr) reader_->unpin();
}

void parser::report(cli::severity sev, std::uint64_t line, std::uint64_t index, std::uint64_t offset,
                    std::string_view segment_id, std::string_view text, std::string_view kind, std::string_view code,
                    std::string_view message) {
  std::string msg(message);
  std::string where;
  if (index > 0) where = fmt::format("segment {}, byte {}", index, offset);
  if (!code.empty()) where += where.empty() ? std::string(code) : fmt::format(", {}", code);
  if (!where.empty()) msg += fmt::format(" ({})", where);

  extra_.clear();
  json::writer w(extra_);
  if (index > 0) {
    w.key("segment");
    w.integer(static_cast<std::int64_t>(index));
    w.key("byte");
    w.integer(static_cast<std::int64_t>(offset));
  }
  if (!segment_id.empty()) {
    w.key("segment_id");
    w.string(segment_id);
  }
  if (!code.empty()) {
    auto eq = code.find('=');
    w.key("code_source");
    w.string(code.substr(0, eq));
    if (eq != std::string_view::npos) {
      w.key("code");
      w.string(code.substr(eq + 1));
    }
  }
  w.field("interchange", env_.interchange);
  w.field("group", env_.group);
  w.field("transaction", env_.transaction);
  // The segment text goes to the rejects file only (it is data; that file is 0600).
  rep_.report(sev, cli::position{env_.file, line}, kind, msg, cli::details{{}, text.substr(0, 4096), extra_});
}

void parser::envelope_finding(scope s, const segment& seg, std::string_view kind, std::string_view code,
                              std::string_view message, bool always_error) {
  if (strict_) {
    if (s == scope::transaction) bad_st_ = true;
    else if (s == scope::group) bad_gs_ = true;
    else bad_isa_ = true;
  }
  report(strict_ || always_error ? cli::severity::error : cli::severity::warning, seg.line, seg.index, seg.offset,
         seg.tag(), seg.text, kind, code, message);
}

void parser::finding(const segment& seg, std::string_view kind, std::string_view code, std::string_view message) {
  envelope_finding(current_scope(), seg, kind, code, message);
}

void parser::problem(const segment& seg, std::string_view kind, std::string_view code, std::string_view message) {
  report(cli::severity::error, seg.line, seg.index, seg.offset, seg.tag(), seg.text, kind, code, message);
}

void parser::on_isa(const segment& seg) {
  if (in_isa_) close_interchange(&seg);
  in_isa_ = true;
  bad_isa_ = false;
  groups_ = 0;
  isa_index_ = seg.index;
  ++stats_.interchanges;
  env_.interchange.assign(trim(seg[13]));
  env_.group.clear();
  env_.functional_id.clear();
  env_.group_version.clear();
  env_.transaction.clear();
  env_.transaction_set.clear();
  env_.version.clear();
  if (strict_) isa_mark_ = stage_->mark();
  if (seg.size() < 16) {
    envelope_finding(scope::interchange, seg, "bad_isa", "TA105=024", "ISA segment has fewer than 16 elements");
  }
}

void parser::on_ta1(const segment& seg) {
  if (!opts_.segments) static_cast<acks_handler&>(*acks_).on_ta1(seg);
}

void parser::on_gs(const segment& seg) {
  if (!in_isa_) {
    problem(seg, "unexpected_segment", "TA105=024", "GS segment outside an interchange");
  }
  if (in_gs_) close_group(&seg);
  in_gs_ = true;
  bad_gs_ = false;
  sets_ = 0;
  gs_index_ = seg.index;
  ++groups_;
  env_.functional_id.assign(seg[1]);
  env_.group.assign(seg[6]);
  env_.group_version.assign(seg[8]);
  env_.transaction.clear();
  env_.transaction_set.clear();
  env_.version = env_.group_version;
  if (strict_) gs_mark_ = stage_->mark();
}

void parser::on_st(const segment& seg) {
  if (in_st_) close_transaction(false, &seg);
  if (!in_gs_) {
    problem(seg, "unexpected_segment", "AK905=3", "ST segment outside a functional group");
  }
  in_st_ = true;
  bad_st_ = false;
  st_segments_ = 1;
  st_index_ = seg.index;
  ++sets_;
  ++stats_.transactions;
  env_.transaction_set.assign(seg[1]);
  env_.transaction.assign(seg[2]);
  env_.version = seg[3].empty() ? env_.group_version : std::string(seg[3]);
  env_.position = 1;
  if (strict_) st_mark_ = stage_->mark();
  std::string_view fid = functional_id_for(seg[1]);
  if (!fid.empty() && in_gs_ && env_.functional_id != fid) {
    finding(seg, "functional_id", "IK502=6",
            fmt::format("GS01 functional identifier does not belong with transaction set {} (expected {})",
                        seg[1].substr(0, 3), fid));
  }
  handler_ = nullptr;
  direct_ = nullptr;
  skip_st_ = false;
  if (opts_.segments) return;
  std::string_view set = seg[1];
  if (set == "277" || set == "276") handler_ = claims_.get();
  else if (set == "999" || set == "997") handler_ = acks_.get();
  if (handler_ == nullptr) {
    skip_st_ = true;
    problem(seg, "unsupported_transaction", "",
            is_set_id(set) ? fmt::format("transaction set {} is not read in claims mode (use --segments); skipped", set)
                           : std::string("transaction set identifier is not a known X12 set; skipped"));
    return;
  }
  handler_->begin(seg);
  if (handler_ == claims_.get()) direct_ = static_cast<claims_handler*>(handler_);
}

void parser::on_se(const segment& seg) {
  if (!in_st_) {
    problem(seg, "unexpected_segment", "IK304=2", "SE segment without a matching ST");
    return;
  }
  ++st_segments_;
  env_.position = st_segments_;
  std::uint64_t declared = 0;
  if (!parse_count(seg[1], declared)) {
    finding(seg, "count_mismatch", "IK502=4",
            fmt::format("SE01 is not a segment count; counted {} segments", st_segments_));
  } else if (declared != st_segments_) {
    finding(seg, "count_mismatch", "IK502=4", fmt::format("SE01 says {} segments, counted {}", declared, st_segments_));
  }
  if (seg[2] != env_.transaction) {
    finding(seg, "control_number_mismatch", "IK502=3", "SE02 does not match the ST02 transaction set control number");
  }
  close_transaction(true, &seg);
}

void parser::close_transaction(bool complete, const segment* at) {
  if (!complete && at != nullptr) {
    // Cut off: whatever it held after the last segment read is lost, so its
    // open records are marked incomplete, and this is an error in any mode.
    envelope_finding(scope::transaction, *at, "incomplete_transaction", "IK502=2",
                     fmt::format("transaction set that began at segment {} has no SE segment: it is cut off; {}",
                                 st_index_, strict_ ? "withheld" : "its open records are marked incomplete"),
                     true);
  }
  if (handler_ != nullptr) handler_->end(complete);
  handler_ = nullptr;
  direct_ = nullptr;
  if (strict_ && bad_st_) stage_->rollback(st_mark_);
  in_st_ = false;
  bad_st_ = false;
  env_.transaction.clear();
  env_.transaction_set.clear();
  env_.version = env_.group_version;
}

void parser::on_ge(const segment& seg) {
  if (in_st_) close_transaction(false, &seg);
  if (!in_gs_) {
    problem(seg, "unexpected_segment", "AK905=3", "GE segment without a matching GS");
    return;
  }
  std::uint64_t declared = 0;
  if (!parse_count(seg[1], declared) || declared != sets_) {
    envelope_finding(scope::group, seg, "count_mismatch", "AK905=5",
                     fmt::format("GE01 does not match the number of transaction sets counted ({})", sets_));
  }
  if (seg[2] != env_.group) {
    envelope_finding(scope::group, seg, "control_number_mismatch", "AK905=4",
                     "GE02 does not match the GS06 group control number");
  }
  close_group(nullptr);
}

void parser::close_group(const segment* at, bool at_end) {
  if (at != nullptr) {
    if (in_st_) close_transaction(false, at);
    envelope_finding(scope::group, *at, "missing_trailer", "AK905=3",
                     fmt::format("functional group that began at segment {} has no GE segment{}", gs_index_,
                                 at_end ? " (the input ends inside it)" : ""),
                     at_end);
  }
  if (strict_ && bad_gs_) stage_->rollback(gs_mark_);
  in_gs_ = false;
  bad_gs_ = false;
  env_.group.clear();
  env_.functional_id.clear();
  env_.group_version.clear();
  env_.version.clear();
}

void parser::on_iea(const segment& seg) {
  if (in_st_) close_transaction(false, &seg);
  if (in_gs_) close_group(&seg);
  if (!in_isa_) {
    problem(seg, "unexpected_segment", "TA105=024", "IEA segment without a matching ISA");
    return;
  }
  std::uint64_t declared = 0;
  if (!parse_count(seg[1], declared) || declared != groups_) {
    envelope_finding(scope::interchange, seg, "count_mismatch", "TA105=021",
                     fmt::format("IEA01 does not match the number of functional groups counted ({})", groups_));
  }
  if (trim(seg[2]) != env_.interchange) {
    envelope_finding(scope::interchange, seg, "control_number_mismatch", "TA105=001",
                     "IEA02 does not match the ISA13 interchange control number");
  }
  close_interchange(nullptr);
}

void parser::close_interchange(const segment* at, bool at_end) {
  if (at != nullptr) {
    if (in_st_) close_transaction(false, at);
    if (in_gs_) close_group(at, at_end);
    envelope_finding(scope::interchange, *at, "missing_trailer", "TA105=023",
                     fmt::format("interchange that began at segment {} has no IEA segment{}", isa_index_,
                                 at_end ? " (the input ends inside it)" : ""),
                     at_end);
  }
  if (strict_) {
    if (bad_isa_) stage_->rollback(isa_mark_);
    stage_->commit();
  }
  in_isa_ = false;
  bad_isa_ = false;
  env_.interchange.clear();
}

void parser::end_of_input(const segment& last) {
  if (!in_isa_ && !in_gs_ && !in_st_) return;
  if (in_st_) close_transaction(false, &last);
  if (in_gs_) close_group(&last, true);
  close_interchange(&last, true);
}

// A segment outside any transaction set. ISX, ISB and ISE are interchange
// control segments (character set, grade of service, deferred delivery)
// allowed between ISA and the first GS; anything else there, or between GE
// and the next GS or IEA, is a structural finding of the group or
// interchange around it.
void parser::on_other(const segment& seg) {
  std::string_view tag = seg.tag();
  if (opts_.segments && valid_segment_id(tag)) return;
  if (in_isa_ && !in_gs_ && groups_ == 0 && (tag == "ISX" || tag == "ISB" || tag == "ISE")) return;
  if (!in_isa_ || seg.code == 0 || !valid_segment_id(tag)) {
    problem(seg, "unexpected_segment", "IK304=2", "segment outside any transaction set; ignored");
    return;
  }
  envelope_finding(current_scope(), seg, "unexpected_segment", "IK304=2",
                   "segment outside any transaction set; ignored");
}

void parser::report_notices(const std::vector<reader_notice>& notices) {
  for (const auto& n : notices) {
    if (n.what == reader_notice::kind::bad_isa) {
      report(cli::severity::error, n.line, 0, 0, "ISA", {}, "bad_isa", fmt::format("TA105={}", n.ta1_code),
             fmt::format("{} at byte {}; interchange skipped", n.problem, n.offset));
    } else {
      report(cli::severity::warning, n.line, 0, 0, {}, {}, "stray_text", "",
             fmt::format("{} bytes of text outside any interchange ignored (from byte {})", n.bytes, n.offset));
    }
  }
}

void parser::parse(io::input& in) {
  env_ = envelope{};
  env_.file = in.name();
  in_isa_ = in_gs_ = in_st_ = false;
  handler_ = nullptr;
  direct_ = nullptr;
  reader r(in);
  reader_ = &r;
  segment seg;
  segment last;  // position of the last segment, for end-of-input findings
  bool any = false;
  // A segment of the open transaction set to its handler (the claims
  // handler's type is known where it is the one, so its call is direct).
  auto hand_over = [&](auto& handler) {
    ++st_segments_;
    env_.position = st_segments_;
    handler.on_segment(seg);
    last.index = seg.index;
    last.offset = seg.offset;
    last.line = seg.line;
  };
  while (r.next(seg)) {
    // Most segments are ordinary, whole (the reader says so only for those),
    // and inside a 277 or 276: straight to its handler. The reader gives no
    // notices and keeps its delimiters with such segments.
    if (seg.ordinary && direct_ != nullptr) [[likely]] {
      ++stats_.segments;
      hand_over(*direct_);
      continue;
    }
    if (!r.notices().empty()) report_notices(r.notices());
    any = true;
    ++stats_.segments;
    delims_ = r.delims();
    if (fast_path_ok() && !seg.too_long && !seg.unterminated && !is_control_code(seg.code) &&
        valid_segment_id(seg.tag())) {
      hand_over(*handler_);
      continue;
    }
    if (seg.too_long) {
      problem(seg, "segment_too_long", "IK304=8", "segment longer than the 64 MiB limit; skipped");
      if (in_st_) ++st_segments_;
      continue;
    }
    // A final IEA without its terminator is common and harmless; any other
    // segment cut by the end of input may have lost data. So may one cut by
    // an ISA on the next line (files joined after one cut short), except a
    // trailer, which is whole or fails its own checks.
    if (seg.unterminated && seg.isa_follows) {
      if (seg.code == kIEA || seg.code == kGE || seg.code == kSE) {
        envelope_finding(current_scope(), seg, "missing_terminator", "TA105=022",
                         "segment has no terminator; the ISA on the next line begins another interchange");
      } else {
        envelope_finding(current_scope(), seg, "truncated", "TA105=023",
                         "segment cut off by an ISA on the next line (no terminator); segment ignored", true);
        if (in_st_) ++st_segments_;
        last.index = seg.index;
        last.offset = seg.offset;
        last.line = seg.line;
        continue;
      }
    } else if (seg.unterminated && seg.code != kIEA) {
      envelope_finding(scope::interchange, seg, "truncated", "TA105=023",
                       "input ends inside a segment (no terminator); segment ignored", true);
      last.index = seg.index;
      last.offset = seg.offset;
      last.line = seg.line;
      break;
    }
    std::string_view tag = seg.tag();
    const std::uint32_t code = seg.code;
    // In segment mode a trailer belongs to what it closes: write it before
    // closing, so --strict withholds it with the rest.
    const bool trailer = code == kSE || code == kGE || code == kIEA;
    if (opts_.segments && trailer) {
      if (code == kSE && in_st_) env_.position = st_segments_ + 1;
      segments_handler_->on_segment(seg);
    }
    if (code == kISA) on_isa(seg);
    else if (code == kIEA) on_iea(seg);
    else if (code == kGS) on_gs(seg);
    else if (code == kGE) on_ge(seg);
    else if (code == kST) on_st(seg);
    else if (code == kSE) on_se(seg);
    else if (code == kTA1 && in_isa_ && !in_gs_) on_ta1(seg);
    else if (in_st_) {
      ++st_segments_;
      env_.position = st_segments_;
      if (code == 0 || !valid_segment_id(tag)) {
        if (strict_) bad_st_ = true;
        problem(seg, "bad_segment", "IK304=1", "segment identifier is not valid; segment ignored");
      } else if (handler_ != nullptr) {
        handler_->on_segment(seg);
      }
    } else {
      on_other(seg);
    }
    if (opts_.segments && !trailer) segments_handler_->on_segment(seg);
    last.index = seg.index;
    last.offset = seg.offset;
    last.line = seg.line;
  }
  flush_pending();
  report_notices(r.notices());
  reader_ = nullptr;
  if (!r.saw_isa()) {
    report(cli::severity::error, 0, 0, 0, {}, {}, "not_x12", "",
           r.bytes_read() == 0 ? "empty input: no ISA segment" : "no ISA segment found: not an X12 interchange");
    return;
  }
  if (any) {
    last.elements.assign(1, std::string_view());
    end_of_input(last);
  }
}

}  // namespace claimkit::x12

namespace claimkit::x12 {

int parse_all(cli::context& ctx, const parse_options& opts) {
  parser p(ctx.out, ctx.report, opts);
  bool unreadable = false;
  for (const auto& path : ctx.inputs()) {
    try {
      io::input in(path);
      p.parse(in);
    } catch (const error& e) {
      if (e.code() != cli::exit_code::io) throw;
      // One unreadable file must not lose the others: say so, go on, exit 3.
      p.flush_pending();
      ctx.report.fatal(e.what());
      unreadable = true;
    }
  }
  return unreadable ? cli::to_int(cli::exit_code::io) : 0;
}

}  // namespace claimkit::x12
