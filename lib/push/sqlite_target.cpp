#include "push/sqlite_target.hpp"

#include <climits>
#include <cstdlib>
#include <unistd.h>

#include <fmt/format.h>

#include "core/error.hpp"
#include "journal/journal.hpp"
#include "json/writer.hpp"
#include "ledger/db.hpp"
#include "dates/civil.hpp"
#include "push/note.hpp"

namespace claimkit::push {

ledger::entry to_entry(const item& it) {
  const claim_status& s = it.status;
  ledger::entry e;
  e.key = it.key;
  e.claim_id = s.claim_id;
  e.payer_id = s.payer_id;
  e.state = s.state;
  if (const status_entry* d = s.deciding()) {
    e.category = d->category;
    e.code = d->code;
    e.entity = d->entity;
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
  e.line_followups = std::string(line_followups_json(s));
  e.checked_by = s.checked_by;
  e.incomplete = s.incomplete;
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
  recheck_ = age::recheck_plan::from_config(query::config::load_default(settings_path_));
  ledger_ = std::make_unique<ledger::sqlite_ledger>(path_, CLAIMKIT_VERSION);
}

void sqlite_target::push(std::vector<item*>& batch, journal::journal& j, stop_reason& stop) {
  std::vector<std::string> keys;
  for (item* it : batch) keys.push_back(it->key);
  const std::string jname = journal_name();
  j.mark_intent(jname, keys);
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
      ledger::entry e = to_entry(*it);
      if (auto next = recheck_.next_check(today, e.state, e.payer_id)) e.next_check = dates::format(*next);
      ledger::write_outcome w = ledger_->write(e, now);
      it->outcome = w.result == ledger::write_result::applied ? result::applied : result::duplicate;
      if (w.result == ledger::write_result::applied && !w.current()) {
        it->history_only = true;
        it->message = not_applied_message(w.verdict);
      }
    }
    ledger_->commit();
  } catch (const error& e) {
    try { ledger_->rollback(); } catch (...) {}
    for (item* it : batch) {
      it->outcome = result::failed;
      it->kind = "ledger_write";
      it->message = "ledger write failed; batch rolled back";
      it->attempts = 1;
    }
    stop.stopped = true;
    stop.exit_code = 3;
    stop.message = e.what();
    j.mark_failed(jname, keys);
    return;
  }
  j.mark_done(jname, keys);
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
