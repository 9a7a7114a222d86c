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

// The journal file's table, in the ledger under its own name. The CHECK is
// spelled with OR, not IN (...): SQLite builds an ephemeral index for the IN
// list on every insert, which cost ~44,000 instructions per mark (callgrind,
// 5,000 statuses: 219 M of 975 M in all).
constexpr std::string_view kPushJournal = R"sql(
CREATE TABLE IF NOT EXISTS push_journal (
  target      TEXT NOT NULL,
  key         TEXT NOT NULL,
  state       TEXT NOT NULL CHECK (state = 'intent' OR state = 'done' OR state = 'failed'),
  attempts    INTEGER NOT NULL DEFAULT 0,
  http_status INTEGER,
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL,
  PRIMARY KEY (target, key)
) WITHOUT ROWID
)sql";

constexpr std::string_view kSetMark =
    "INSERT INTO push_journal (target, key, state, attempts, http_status, created_at, updated_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6) ON CONFLICT (target, key) DO UPDATE SET"
    " state = excluded.state, attempts = attempts + excluded.attempts,"
    " http_status = coalesce(excluded.http_status, http_status), updated_at = excluded.updated_at";

claimkit::journal::state parse_state(std::string_view s) {
  if (s == "intent") return claimkit::journal::state::intent;
  if (s == "done") return claimkit::journal::state::done;
  if (s == "failed") return claimkit::journal::state::failed;
  return claimkit::journal::state::none;
}

}  // namespace

ledger_journal::ledger_journal(ledger::database& db, std::string path) : path_(std::move(path)), db_(&db) {
  db_->exec(kPushJournal);
  get_ = std::make_unique<ledger::statement>(
      db_->prepare("SELECT state FROM push_journal WHERE target = ?1 AND key = ?2"));
  set_ = std::make_unique<ledger::statement>(db_->prepare(kSetMark));
}

ledger_journal::ledger_journal(const std::string& path) : path_(path) {
  if (::access(path.c_str(), F_OK) != 0) return;
  own_db_ = std::make_unique<ledger::database>(path, fmt::format("ledger {}", path), false, true);
  db_ = own_db_.get();
  ledger::statement has = db_->prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'push_journal'");
  if (!has.step()) return;
  get_ = std::make_unique<ledger::statement>(
      db_->prepare("SELECT state FROM push_journal WHERE target = ?1 AND key = ?2"));
}

ledger_journal::~ledger_journal() {
  get_.reset();
  set_.reset();
}

claimkit::journal::state ledger_journal::get(std::string_view target, std::string_view key) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!get_) return claimkit::journal::state::none;
  if (target == cache_target_) {
    if (auto c = cache_.find(std::string(key)); c != cache_.end()) return c->second;
  }
  get_->bind(1, target).bind(2, key);
  claimkit::journal::state s = get_->step() ? parse_state(get_->column_text(0)) : claimkit::journal::state::none;
  get_->reset();
  return s;
}

void ledger_journal::prefetch(std::string_view target, const std::vector<std::string_view>& keys) {
  std::lock_guard<std::mutex> lock(mu_);
  cache_.clear();
  cache_target_.clear();
  if (!get_ || keys.empty() || sqlite3_get_autocommit(db_->handle()) == 0) return;
  // The chunk's lookups in one read transaction: each lookup on its own was
  // a transaction of its own, and its WAL lock calls (fcntl) were 6 % of
  // pm-push's profile (100,000 statuses).
  db_->exec("BEGIN");
  try {
    cache_.reserve(keys.size());
    for (std::string_view k : keys) {
      get_->bind(1, target).bind(2, k);
      cache_.emplace(k, get_->step() ? parse_state(get_->column_text(0)) : claimkit::journal::state::none);
      get_->reset();
    }
    db_->exec("COMMIT");
    cache_target_ = target;
  } catch (const error&) {
    // Unread marks are read one by one by get().
    get_->reset();
    cache_.clear();
    try {
      db_->exec("COMMIT");
    } catch (const error&) {
    }
  }
}

void ledger_journal::set_one(std::string_view target, std::string_view key, claimkit::journal::state s, int http_status,
                             std::string_view now) {
  set_->bind(1, target)
      .bind(2, key)
      .bind(3, claimkit::journal::to_string(s))
      .bind_int(4, s == claimkit::journal::state::intent ? 1 : 0);
  if (http_status > 0) set_->bind_int(5, http_status);
  set_->bind(6, now);
  set_->step();
  set_->reset();
}

void ledger_journal::mark_all(std::string_view target, const std::vector<entry>& marks) {
  if (marks.empty()) return;
  std::lock_guard<std::mutex> lock(mu_);
  if (!set_) throw error(cli::exit_code::internal, "ledger journal opened read-only");
  cache_.clear();
  std::string now = ledger::now_rfc3339();
  // Inside the caller's transaction the marks join it; otherwise they are
  // one transaction of their own.
  const bool own_tx = sqlite3_get_autocommit(db_->handle()) != 0;
  if (own_tx) db_->exec("BEGIN IMMEDIATE");
  try {
    for (const auto& m : marks) set_one(target, m.key, m.to, m.http_status, now);
    if (own_tx) db_->exec("COMMIT");
  } catch (...) {
    set_->reset();
    if (own_tx) {
      try {
        db_->exec("ROLLBACK");
      } catch (...) {
      }
    }
    throw;
  }
}

void ledger_journal::mark_done_in_transaction(std::string_view target, const std::vector<item*>& batch,
                                              std::string_view now) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!set_) throw error(cli::exit_code::internal, "ledger journal opened read-only");
  cache_.clear();
  for (const item* it : batch) set_one(target, it->key, claimkit::journal::state::done, 0, now);
}

namespace {
std::vector<claimkit::journal::journal::entry> entries(const std::vector<std::string>& keys, claimkit::journal::state s,
                                                       int http) {
  std::vector<claimkit::journal::journal::entry> out;
  out.reserve(keys.size());
  for (const auto& k : keys) out.push_back({k, s, http});
  return out;
}
}  // namespace

void ledger_journal::mark_intent(std::string_view target, const std::vector<std::string>& keys) {
  mark_all(target, entries(keys, claimkit::journal::state::intent, 0));
}
void ledger_journal::mark_done(std::string_view target, const std::vector<std::string>& keys, int http_status) {
  mark_all(target, entries(keys, claimkit::journal::state::done, http_status));
}
void ledger_journal::mark_failed(std::string_view target, const std::vector<std::string>& keys, int http_status) {
  mark_all(target, entries(keys, claimkit::journal::state::failed, http_status));
}
void ledger_journal::mark(std::string_view target, std::string_view key, claimkit::journal::state s, int http_status) {
  mark_all(target, {{std::string(key), s, http_status}});
}

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
  // Marks in the ledger (the default) commit with the rows: no intent is
  // needed, since there is no moment when rows are on disk without their
  // marks or marks without their rows. A journal file (--journal) is a
  // second database: intent before, done after, as for any target.
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
    if (in_ledger) journal_->mark_done_in_transaction(jname, batch, now);
    ledger_->commit();
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
