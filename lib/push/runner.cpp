#include "push/runner.hpp"

#include <unistd.h>

#include <chrono>
#include <unordered_map>

#include <fmt/format.h>

#include "core/error.hpp"
#include "journal/journal.hpp"
#include "json/writer.hpp"
#include "ndjson/reader.hpp"
#include "push/key.hpp"
#include "push/note.hpp"

namespace claimkit::push {

std::string_view to_string(result r) {
  switch (r) {
    case result::applied: return "applied";
    case result::duplicate: return "duplicate";
    case result::failed: return "failed";
    case result::unknown: return "unknown";
    case result::skipped: return "skipped";
    case result::pending: break;
  }
  return "pending";
}

namespace {

struct counts {
  std::uint64_t records = 0, applied = 0, duplicate = 0, failed = 0, unknown = 0, skipped = 0, not_applied = 0;
};

class run_state {
 public:
  run_state(cli::context& ctx, const options& o, target& t, journal::journal& j, std::vector<journal::journal*> earlier)
      : ctx_(ctx), opts_(o), target_(t), journal_(j), earlier_(std::move(earlier)) {
    if (!o.rejects_path.empty() && !o.dry_run) {
      rejects_ = std::make_unique<io::output>(io::output::create_private(o.rejects_path));
    }
  }

  void add(item it, bool reported) {
    reported_.push_back(reported);
    chunk_.push_back(std::move(it));
    if (chunk_.size() >= opts_.batch_size) flush();
  }

  void stop_now(int code, std::string message) {
    stop_.stopped = true;
    stop_.exit_code = code;
    stop_.message = std::move(message);
  }

  void flush() {
    if (chunk_.empty()) return;
    if (opts_.dry_run) {
      preview();
    } else {
      deliver();
    }
    emit();
    chunk_.clear();
    reported_.clear();
  }

  void finish() {
    flush();
    if (shown_) opts_.progress("");
    if (rejects_) rejects_->close();
    // The skipped count only when there is one, so the usual line keeps its
    // shape for scripts that read it.
    std::string skipped = c_.skipped > 0 ? fmt::format(", {} skipped", c_.skipped) : std::string();
    std::string msg = fmt::format("{} records: {} applied, {} duplicate, {} failed, {} unknown{} ({})", c_.records,
                                  c_.applied, c_.duplicate, c_.failed, c_.unknown, skipped, target_.kind());
    if (opts_.dry_run) {
      msg = fmt::format("dry run: {} records: {} would be sent, {} already done, {} unknown{} ({}); nothing written",
                        c_.records, c_.applied, c_.duplicate, c_.unknown, skipped, target_.kind());
    } else if (c_.not_applied > 0) {
      msg += fmt::format("; {} kept in the history only (weaker or older than the current status)", c_.not_applied);
    }
    if (stop_.stopped) ctx_.report.fatal(stop_.message);
    ctx_.report.note(msg);
  }

  int exit_code() const { return stop_.stopped ? stop_.exit_code : 0; }

 private:
  // Sorts the chunk's items: already final (bad record), done before,
  // maybe sent before, a second copy of a key, or to send.
  void classify(std::vector<item*>& to_send, std::vector<std::pair<std::size_t, std::size_t>>& twins) {
    const std::string jname = target_.journal_name();
    std::unordered_map<std::string_view, std::size_t> first_in_chunk;
    {
      std::vector<std::string_view> keys;
      for (const item& it : chunk_) {
        if (it.outcome == result::pending) keys.push_back(it.key);
      }
      journal_.prefetch(jname, keys);
    }
    for (std::size_t i = 0; i < chunk_.size(); ++i) {
      item& it = chunk_[i];
      if (it.outcome != result::pending) continue;
      if (auto f = first_in_chunk.find(it.key); f != first_in_chunk.end()) {
        twins.emplace_back(i, f->second);
        continue;
      }
      first_in_chunk.emplace(it.key, i);
      if (auto s = seen_.find(it.key); s != seen_.end()) {
        copy_twin(it, s->second);
        continue;
      }
      // The journal first: a record done before is a duplicate even when the
      // target is unreachable today.
      journal::state js = journal_.get(jname, it.key);
      for (journal::journal* e : earlier_) {
        if (js != journal::state::none) break;
        js = e->get(jname, it.key);
      }
      if (js == journal::state::done) {
        it.outcome = result::duplicate;
        it.message = "already pushed (journal)";
      } else if (js == journal::state::intent && !target_.dedupes() && !opts_.resend_unknown) {
        it.outcome = result::unknown;
        it.kind = "push_unknown";
        it.message = "sent before without a confirmation; check the target, then use --resend-unknown to send again";
      } else if (stop_.stopped) {
        fail_stopped(it);
      } else {
        to_send.push_back(&it);
      }
    }
  }

  void copy_twin(item& it, const std::pair<result, std::string>& first) {
    if (first.first == result::applied || first.first == result::duplicate) {
      it.outcome = result::duplicate;
      it.message = "same status as an earlier record of this run";
    } else {
      it.outcome = first.first;
      it.kind = first.first == result::unknown ? "push_unknown" : "push_failed";
      it.message = first.second;
    }
  }

  void fail_stopped(item& it) {
    it.outcome = result::failed;
    it.kind = "target_unavailable";
    it.message = "not sent: " + stop_.message;
  }

  void deliver() {
    std::vector<item*> to_send;
    std::vector<std::pair<std::size_t, std::size_t>> twins;
    classify(to_send, twins);
    if (!to_send.empty()) target_.push(to_send, journal_, stop_);
    for (item* it : to_send) {
      if (it->outcome == result::pending) fail_stopped(*it);
    }
    for (auto [i, first] : twins) copy_twin(chunk_[i], {chunk_[first].outcome, chunk_[first].message});
    // A record applied or found a duplicate is marked done in the journal,
    // where a later copy of it finds it; only the others are remembered
    // here. Remembering every key grew memory with the input (about 140
    // bytes a record: 55 MB at 100,000 statuses against 15 MB for one).
    for (const item& it : chunk_) {
      if (it.key.empty() || it.outcome == result::applied || it.outcome == result::duplicate) continue;
      if (!seen_.count(it.key)) seen_.emplace(it.key, std::make_pair(it.outcome, it.message));
    }
  }

  void preview() {
    std::vector<item*> to_send;
    std::vector<std::pair<std::size_t, std::size_t>> twins;
    classify(to_send, twins);
    for (item* it : to_send) it->outcome = result::applied;  // "would be sent"
    for (auto [i, first] : twins) copy_twin(chunk_[i], {chunk_[first].outcome, chunk_[first].message});
    for (const item& it : chunk_) {
      if (!it.key.empty() && !seen_.count(it.key)) seen_.emplace(it.key, std::make_pair(it.outcome, it.message));
    }
  }

  void emit() {
    for (std::size_t i = 0; i < chunk_.size(); ++i) {
      const item& it = chunk_[i];
      ++c_.records;
      switch (it.outcome) {
        case result::applied: ++c_.applied; break;
        case result::duplicate: ++c_.duplicate; break;
        case result::unknown: ++c_.unknown; break;
        case result::skipped: ++c_.skipped; break;
        default: ++c_.failed; break;
      }
      if (opts_.dry_run) {
        write_preview(it);
        continue;
      }
      if (it.outcome == result::applied && it.history_only) ++c_.not_applied;
      write_result(it);
      if (it.outcome == result::failed || it.outcome == result::unknown) {
        if (!reported_[i]) {
          if (shown_) {
            opts_.progress("");  // the message starts on a clean line
            shown_ = false;
          }
          cli::position pos{it.input, it.line};
          ctx_.report.error(pos, it.kind.empty() ? "push_failed" : it.kind, it.message,
                            cli::details{it.status.record, {}, {}});
        }
        write_reject(it);
      }
      ctx_.out.maybe_flush();
    }
    show_progress();
  }

  // Counts and the rate only: a record value never reaches the terminal.
  void show_progress() {
    if (!opts_.progress) return;
    auto now = std::chrono::steady_clock::now();
    if (now - last_shown_ < std::chrono::milliseconds(200)) return;
    last_shown_ = now;
    double secs = std::chrono::duration<double>(now - started_).count();
    std::string line = fmt::format("{} records, {:.0f}/s, {} failed, {} unknown", c_.records,
                                   secs > 0 ? static_cast<double>(c_.records) / secs : 0.0, c_.failed, c_.unknown);
    opts_.progress(line);
    shown_ = true;
  }

  // An ack or batch_status has no claim_id; subject says what the result
  // is about instead (absent for a claim_status, as it always was).
  static void write_subject(const item& it, json::writer& w) {
    if (it.status.is_event()) w.field("subject", it.status.type);
  }

  void write_result(const item& it) {
    std::string& b = ctx_.out.buffer();
    json::writer w(b);
    w.begin_object();
    w.key("type");
    w.string("push_result");
    write_subject(it, w);
    w.field("claim_id", it.status.claim_id);
    w.key("target");
    w.string(target_.kind());
    w.key("result");
    w.string(to_string(it.outcome));
    w.key("attempts");
    w.integer(it.attempts);
    if (it.http_status > 0) {
      w.key("http_status");
      w.integer(it.http_status);
    }
    w.field("key", it.key);
    w.field("message", it.message);
    w.end_object();
    b.push_back('\n');
  }

  void write_preview(const item& it) {
    std::string& b = ctx_.out.buffer();
    json::writer w(b);
    w.begin_object();
    w.key("type");
    w.string("push_preview");
    write_subject(it, w);
    w.field("claim_id", it.status.claim_id);
    w.key("target");
    w.string(target_.kind());
    w.key("would");
    bool skip = it.outcome == result::duplicate || it.outcome == result::skipped;
    w.string(it.outcome == result::applied ? "send" : skip ? "skip" : to_string(it.outcome));
    w.field("key", it.key);
    w.field("message", it.message);
    if (it.outcome == result::applied) target_.describe(it, w);
    w.end_object();
    b.push_back('\n');
    ctx_.out.maybe_flush();
  }

  // Same shape as an --errors line, so the file is both readable as a
  // rejects report and accepted again as pm-push input.
  void write_reject(const item& it) {
    if (!rejects_) return;
    std::string& b = rejects_->buffer();
    json::writer w(b);
    w.begin_object();
    w.key("type");
    w.string("error");
    w.key("tool");
    w.string("pm-push");
    w.field("input", it.input);
    if (it.line > 0) {
      w.key("line");
      w.integer(static_cast<std::int64_t>(it.line));
    }
    w.key("severity");
    w.string("error");
    w.key("kind");
    w.string(it.kind.empty() ? "push_failed" : it.kind);
    w.key("result");
    w.string(to_string(it.outcome));
    w.field("message", it.message);
    if (it.http_status > 0) {
      w.key("http_status");
      w.integer(it.http_status);
    }
    w.field("key", it.key);
    if (!it.status.record.empty()) {
      w.key("record");
      w.raw(it.status.record);
    }
    w.end_object();
    b.push_back('\n');
    rejects_->maybe_flush();
  }

  cli::context& ctx_;
  const options& opts_;
  target& target_;
  journal::journal& journal_;
  // Journals read, never written: the shared default journal of earlier
  // versions, and the target's default journal file when its marks now live
  // in its own store.
  std::vector<journal::journal*> earlier_;
  std::unique_ptr<io::output> rejects_;
  std::vector<item> chunk_;
  std::vector<bool> reported_;
  std::unordered_map<std::string, std::pair<result, std::string>> seen_;
  stop_reason stop_;
  counts c_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_shown_ = started_;
  bool shown_ = false;
};

}  // namespace

int run(cli::context& ctx, const options& o) { return run(ctx, o, make_target(o)); }

int run(cli::context& ctx, const options& o, std::unique_ptr<target> t) {
  // Which journal: --journal FILE (opened and locked before the target);
  // else the target's own marks (own_journal(), asked after open(), or of the
  // unopened target in a dry run); else the target's default journal file,
  // opened after open() since only then is it known to be needed (the
  // default directory is still checked first).
  std::unique_ptr<journal::journal> file;
  std::vector<std::unique_ptr<journal::journal>> earlier;
  std::string default_file;
  const bool explicit_file = !o.journal_path.empty();
  if (explicit_file) {
    file = std::make_unique<journal::file_journal>(o.journal_path, o.dry_run);
  } else {
    default_file = journal::default_path(t->kind(), t->journal_identity());
    journal::check_default_dir();
  }
  std::string open_error;
  int open_code = 0;
  if (!o.dry_run) {
    try {
      t->open();
    } catch (const error& e) {
      // The records are still read and each one ends as failed, so a cron
      // run leaves a complete rejects file to retry from.
      if (e.code() != cli::exit_code::remote && e.code() != cli::exit_code::io) throw;
      open_error = e.what();
      open_code = cli::to_int(e.code());
    }
  }
  journal::journal* own = explicit_file ? nullptr : t->own_journal();
  if (!explicit_file) {
    if (own == nullptr) {
      file = std::make_unique<journal::file_journal>(default_file, o.dry_run);
    } else if (::access(default_file.c_str(), F_OK) == 0) {
      // Marks written to the default file before the target kept its own
      // still count: read it, never write it, so an upgrade re-sends nothing.
      earlier.push_back(std::make_unique<journal::file_journal>(default_file, true));
    }
    // Records pushed through the one journal earlier versions shared by
    // default stay done (or maybe sent): read it, never write it.
    std::string old = journal::earlier_default_path();
    if (::access(old.c_str(), F_OK) == 0) earlier.push_back(std::make_unique<journal::file_journal>(old, true));
  }
  journal::journal& j = own != nullptr ? *own : *file;
  std::vector<journal::journal*> lookups;
  for (const auto& e : earlier) lookups.push_back(e.get());
  run_state rs(ctx, o, *t, j, std::move(lookups));
  if (open_code != 0) rs.stop_now(open_code, open_error);
  const std::string target_identity = t->identity();
  std::string scratch;
  ndjson::for_each_record(ctx.inputs(), ctx.report, [&](ndjson::record& rec) {
    item it;
    it.input = std::string(rec.pos.input);
    it.line = rec.pos.line;
    try {
      parse_record(rec, it.status);
    } catch (const ndjson::bad_record& b) {
      it.outcome = result::failed;
      it.kind = b.kind;
      it.message = b.message;
      it.status.record = std::string(rec.text);
      rs.add(std::move(it), true);
      throw;
    }
    it.key = idempotency_key(target_identity, it.status);
    if (it.status.is_event() && !t->takes_events()) {
      // A claim note needs a claim. Not a failure: sending it again would
      // never succeed, so it stays out of --rejects and the exit status.
      it.outcome = result::skipped;
      it.message = fmt::format("{} has no claim to attach a note to; not sent (push it to sqlite: or http: to keep it)",
                               it.status.type == "ack" ? "an acknowledgment" : "a batch status");
      rs.add(std::move(it), false);
      return;
    }
    // A ledger keeps the record, not a note.
    if (t->kind() != "sqlite" && t->kind() != "postgresql") it.note = note_text(it.status, it.key);
    rs.add(std::move(it), false);
  });
  rs.finish();
  return rs.exit_code();
}

}  // namespace claimkit::push
