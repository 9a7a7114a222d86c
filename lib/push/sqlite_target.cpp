#include "push/sqlite_target.hpp"

#include <unistd.h>
#include <climits>
#include <cstdlib>

#include <fmt/format.h>
#include <sqlite3.h>

#include "core/error.hpp"
#include "dates/civil.hpp"
#include "journal/journal.hpp"
#include "json/writer.hpp"
#include "ledger/db.hpp"
#include "push/note.hpp"

namespace claimkit::push {

void fill_entry(const item& it, ledger::entry& e) {
  const claim_status& s = it.status;
  e.key = it.key;
  e.claim_id = s.claim_id;
  e.payer_id = s.payer_id;
  e.state = s.state;
  if (const status_entry* d = s.deciding()) {
    e.category = d->category;
    e.code = d->code;
    e.entity = d->entity;
  } else {
    e.category.clear();
    e.code.clear();
    e.entity.clear();
  }
  e.effective_date = s.effective_date;
  e.channel = s.channel;
  e.source_file = s.source_file;
  e.interchange = s.interchange;
  e.group_control = s.group;
  e.transaction_control = s.transaction;
  e.payer_claim_id = s.payer_claim_id;
  e.reference = s.reference;
  e.action = s.action;
  e.queue = s.queue;
  e.billed_amount = s.billed_amount;
  e.paid_amount = s.paid_amount;
  e.submitted_date = s.submitted_date;
  e.line_followups = line_followups_json(s);
  e.checked_by = s.checked_by;
  e.incomplete = s.incomplete;
}

ledger::entry to_entry(const item& it) {
  ledger::entry e;
  fill_entry(it, e);
  return e;
}

std::string_view not_applied_message(ledger::precedence p) {
  switch (p) {
    case ledger::precedence::weaker:
      return "kept in the ledger history, not applied: weaker evidence (no status code, state unknown or an "
             "incomplete transaction) than the claim's current status";
    case ledger::precedence::older:
      return "kept in the ledger history, not applied: effective time older than the claim's current status";
    case ledger::precedence::replaces: break;
  }
  return {};
}

ledger::event_entry to_event_entry(const item& it) {
  const claim_status& s = it.status;
  const batch_event& ev = s.event;
  ledger::event_entry e;
  e.key = it.key;
  e.type = s.type;
  e.level = ev.level;
  e.state = s.state;
  e.accepted = ev.accepted;
  if (const status_entry* d = s.deciding()) {
    e.category = d->category;
    e.code = d->code;
    e.entity = d->entity;
  }
  if (e.code.empty()) e.code = ev.code;  // an ack's code (IK501, AK901, TA104)
  e.effective_date = s.effective_date;
  e.action = s.action;
  e.queue = s.queue;
  e.channel = s.channel;
  e.transaction_type = ev.transaction_type;
  e.source_file = s.source_file;
  e.interchange = s.interchange;
  e.group_control = s.group;
  e.transaction_control = s.transaction;
  e.segment = ev.segment;
  e.acknowledged_interchange = ev.acknowledged_interchange;
  e.acknowledged_group = ev.acknowledged_group;
  e.acknowledged_transaction = ev.acknowledged_transaction;
  e.acknowledged_type = ev.acknowledged_type;
  e.trace = ev.trace;
  e.payer_id = s.payer_id;
  if (!ev.errors.empty()) e.error_count = std::to_string(ev.errors.size());
  e.accepted_count = ev.accepted_count;
  e.rejected_count = ev.rejected_count;
  e.accepted_amount = ev.accepted_amount;
  e.rejected_amount = ev.rejected_amount;
  e.record = s.record;
  return e;
}

namespace {

bool has_table(ledger::database& db, std::string_view name) {
  ledger::statement st = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1");
  st.bind(1, name);
  return st.step();
}

}  // namespace

ledger_journal::ledger_journal(ledger::database& db, std::string path) : path_(std::move(path)), db_(&db) {
  open_lookup();
}

ledger_journal::ledger_journal(const std::string& path) : path_(path) {
  if (::access(path.c_str(), F_OK) != 0) return;
  own_db_ = std::make_unique<ledger::database>(path, fmt::format("ledger {}", path), false, true);
  db_ = own_db_.get();
  open_lookup();
}

ledger_journal::~ledger_journal() { get_.reset(); }

void ledger_journal::open_lookup() {
  // One statement over the tables this ledger has (a read-only view may be
  // of a file that is not a ledger, or of an early version).
  std::string sql;
  for (std::string_view t : {"status_history", "batch_events"}) {
    if (!has_table(*db_, t)) continue;
    if (!sql.empty()) sql += " UNION ALL ";
    sql += fmt::format("SELECT 1 FROM {} WHERE key = ?2", t);
  }
  // Done marks of an earlier version, which kept them in this table
  // (rows and marks committed together, so they agree with the rows).
  if (has_table(*db_, "push_journal")) {
    if (!sql.empty()) sql += " UNION ALL ";
    sql += "SELECT 1 FROM push_journal WHERE target = ?1 AND key = ?2 AND state = 'done'";
  }
  if (sql.empty()) return;
  get_ = std::make_unique<ledger::statement>(db_->prepare(sql + " LIMIT 1"));
}

// A failing step() resets the statement itself.
claimkit::journal::state ledger_journal::lookup(std::string_view target, std::string_view key) {
  get_->bind(1, target).bind(2, key);
  const bool found = get_->step();
  get_->reset();
  return found ? claimkit::journal::state::done : claimkit::journal::state::none;
}

claimkit::journal::state ledger_journal::get(std::string_view target, std::string_view key) {
  std::lock_guard<std::mutex> lock(mu_);
  return get_ ? ahead_.get(target, key) : claimkit::journal::state::none;
}

void ledger_journal::prefetch(std::string_view target, const std::vector<std::string_view>& keys) {
  std::lock_guard<std::mutex> lock(mu_);
  ahead_.clear();
  if (get_) ahead_.fill(*db_, target, keys);
}

void ledger_journal::forget() {
  std::lock_guard<std::mutex> lock(mu_);
  ahead_.clear();
}

namespace {
[[noreturn]] void not_marked_here() {
  throw error(cli::exit_code::internal, "the ledger's exactly-once marks are its rows; nothing is marked apart");
}
}  // namespace

void ledger_journal::mark_intent(std::string_view, const std::vector<std::string>&) { not_marked_here(); }
void ledger_journal::mark_done(std::string_view, const std::vector<std::string>&, int) { not_marked_here(); }
void ledger_journal::mark_failed(std::string_view, const std::vector<std::string>&, int) { not_marked_here(); }
void ledger_journal::mark(std::string_view, std::string_view, claimkit::journal::state, int) { not_marked_here(); }
void ledger_journal::mark_all(std::string_view, const std::vector<entry>&) { not_marked_here(); }

std::string sqlite_target::journal_name() const {
  if (ledger_) return "sqlite:" + ledger_->ledger_id();
  // A dry run does not create the ledger; an existing one still has its id.
  std::string id = ledger::peek_ledger_id(path_);
  return id.empty() ? "sqlite:" + path_ : "sqlite:" + id;
}

std::string sqlite_target::journal_identity() const {
  // realpath of the file when it exists, else of its directory plus the
  // name (a ledger about to be created); else the absolute spelling.
  char buf[PATH_MAX];
  if (::realpath(path_.c_str(), buf) != nullptr) return std::string("sqlite:") + buf;
  std::size_t slash = path_.rfind('/');
  std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path_.substr(0, slash);
  std::string name = slash == std::string::npos ? path_ : path_.substr(slash + 1);
  if (::realpath(dir.c_str(), buf) != nullptr) {
    std::string d = buf;
    return "sqlite:" + (d == "/" ? d + name : d + "/" + name);
  }
  if (!path_.empty() && path_.front() == '/') return "sqlite:" + path_;
  if (::getcwd(buf, sizeof buf) != nullptr) return std::string("sqlite:") + buf + "/" + path_;
  return "sqlite:" + path_;
}

void sqlite_target::open() {
  open_tried_ = true;
  recheck_ = age::recheck_plan::from_config(cli::config::load_default(settings_path_));
  ledger_ = std::make_unique<ledger::sqlite_ledger>(path_, CLAIMKIT_VERSION);
  journal_ = std::make_unique<ledger_journal>(ledger_->db(), path_);
}

journal::journal* sqlite_target::own_journal() {
  if (!journal_ && !open_tried_) journal_ = std::make_unique<ledger_journal>(path_);  // dry run: read only
  return journal_.get();
}

void sqlite_target::push(std::vector<item*>& batch, journal::journal& j, stop_reason& stop) {
  // In the ledger (the default) the rows are the marks (ledger_journal):
  // no intent is needed, and no mark is written apart. Writing done marks
  // in a table of their own, in the same transaction, cost a third of
  // pm-push's time (4.2 against 6.2 s for 100,000 statuses): one more
  // B-tree of random keys, its pages rewritten in the WAL at every commit.
  // A journal file (--journal) is a second database: intent before, done
  // after, as for any target.
  const bool in_ledger = journal_ && &j == journal_.get();
  std::vector<std::string> keys;
  const std::string jname = journal_name();
  if (!in_ledger) {
    keys.reserve(batch.size());
    for (item* it : batch) keys.push_back(it->key);
    j.mark_intent(jname, keys);
  }
  std::string now = ledger::now_rfc3339();
  // The check is dated now (claims.last_checked): the next one is due after
  // the interval for the new state and the payer (claim-age(1)).
  dates::day_number today = 0;
  dates::parse_timestamp_date(now, today);
  try {
    ledger_->begin();
    for (item* it : batch) {
      it->attempts = 1;
      if (it->status.is_event()) {
        ledger::write_result w = ledger_->write_event(to_event_entry(*it), now);
        it->outcome = w == ledger::write_result::applied ? result::applied : result::duplicate;
        continue;
      }
      // One entry reused for every record: its strings keep their capacity,
      // so filling it copies bytes without a malloc per field longer than
      // 15 bytes (to_entry made a fresh one per record).
      fill_entry(*it, entry_);
      entry_.next_check.clear();
      if (auto next = recheck_.next_check(today, entry_.state, entry_.payer_id))
        entry_.next_check = dates::format(*next);
      ledger::write_outcome w = ledger_->write(entry_, now);
      it->outcome = w.result == ledger::write_result::applied ? result::applied : result::duplicate;
      if (w.result == ledger::write_result::applied && !w.current()) {
        it->history_only = true;
        it->message = not_applied_message(w.verdict);
      }
    }
    ledger_->commit();
    if (in_ledger) journal_->forget();
  } catch (const error& e) {
    try {
      ledger_->rollback();
    } catch (...) {
    }
    for (item* it : batch) {
      it->outcome = result::failed;
      it->kind = "ledger_write";
      it->message = "ledger write failed; batch rolled back";
      it->attempts = 1;
    }
    stop.stopped = true;
    stop.exit_code = 3;
    stop.message = e.what();
    // In the ledger the rollback took the rows and the marks alike: nothing
    // to mark (and the ledger just failed a write).
    if (!in_ledger) j.mark_failed(jname, keys);
    return;
  }
  if (!in_ledger) j.mark_done(jname, keys);
}

void sqlite_target::describe(const item& it, json::writer& w) const {
  if (it.status.is_event()) {
    ledger::event_entry e = to_event_entry(it);
    w.key("ledger");
    w.begin_object();
    w.field("path", path_);
    w.key("table");
    w.string("batch_events");
    w.field("type", e.type);
    w.field("level", e.level);
    w.field("state", e.state);
    if (!e.accepted.empty()) {
      w.key("accepted");
      w.boolean(e.accepted == "1");
    }
    w.field("category", e.category);
    w.field("code", e.code);
    w.field("action", e.action);
    w.field("queue", e.queue);
    w.end_object();
    return;
  }
  ledger::entry e = to_entry(it);
  w.key("ledger");
  w.begin_object();
  w.field("path", path_);
  w.field("state", e.state);
  w.field("category", e.category);
  w.field("code", e.code);
  w.field("effective_date", e.effective_date);
  w.field("channel", e.channel);
  w.field("action", e.action);
  w.field("queue", e.queue);
  w.end_object();
}

}  // namespace claimkit::push
