#include "push/postgres_target.hpp"

#include <sys/stat.h>

#include <fmt/format.h>

#include "auth/credentials.hpp"
#include "core/error.hpp"
#include "journal/journal.hpp"
#include "json/writer.hpp"
#include "ledger/db.hpp"
#include "push/sqlite_target.hpp"

namespace claimkit::push {

postgres_target::postgres_target(std::string uri, std::string config_path)
    : uri_(std::move(uri)), config_path_(std::move(config_path)) {
  try {
    shown_ = ledger::check_postgres_uri(uri_);
  } catch (const error& e) {
    throw error(e.code(), fmt::format("--to: {}", e.what()));
  }
}

std::string postgres_target::journal_name() const {
  if (ledger_) return "postgresql:" + ledger_->ledger_id();
  return "postgresql:" + shown_;
}

void postgres_target::open() {
  // The config file's [postgresql] password, read only when the server asks
  // for a password that ~/.pgpass (or PGPASSFILE) does not give.
  auto password = [this]() -> std::string {
    std::string path = config_path_;
    if (path.empty()) {
      path = auth::default_config_path();
      struct stat st {};
      if (path.empty() || ::stat(path.c_str(), &st) != 0) return {};
    }
    return auth::config_file::load(path).get("postgresql", "password").value_or(std::string());
  };
  ledger_ = std::make_unique<ledger::postgres_ledger>(uri_, CLAIMKIT_VERSION, password);
}

void postgres_target::push(std::vector<item*>& batch, journal::journal& j, stop_reason& stop) {
  std::vector<std::string> keys;
  keys.reserve(batch.size());
  for (item* it : batch) keys.push_back(it->key);
  const std::string jname = journal_name();
  // A journal file (--journal) is kept as with the sqlite target; the
  // database's own journal rows are written in the batch's transaction.
  j.mark_intent(jname, keys);
  std::vector<ledger::entry> entries;
  std::vector<ledger::event_entry> events;
  entries.reserve(batch.size());
  std::vector<ledger::batch_record> records(batch.size());
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (batch[i]->status.is_event()) {
      events.push_back(to_event_entry(*batch[i]));
    } else {
      entries.push_back(to_entry(*batch[i]));
    }
  }
  for (std::size_t i = 0, s = 0, e = 0; i < batch.size(); ++i) {
    if (batch[i]->status.is_event()) {
      records[i].event = &events[e++];
    } else {
      records[i].status = &entries[s++];
    }
  }
  try {
    ledger_->write_batch(records, ledger::now_rfc3339(), jname, keys);
  } catch (const error& e) {
    bool remote = e.code() == cli::exit_code::remote;
    for (item* it : batch) {
      it->outcome = result::failed;
      it->attempts = 1;
      it->kind = remote ? "ledger_unreachable" : "ledger_write";
      it->message = remote ? "connection to the ledger lost; the batch may or may not be committed: run again (the "
                             "ledger's keys make a second write a duplicate)"
                           : "ledger write failed; batch rolled back";
    }
    stop.stopped = true;
    stop.exit_code = remote ? 4 : 3;
    stop.message = e.what();
    // Not marked failed in a journal file: a lost connection may have
    // committed; the intent stays, and the ledger's key dedupes a resend.
    if (!remote) j.mark_failed(jname, keys);
    return;
  }
  for (std::size_t i = 0; i < batch.size(); ++i) {
    item* it = batch[i];
    const ledger::write_outcome& w = records[i].out;
    it->attempts = 1;
    it->outcome = w.result == ledger::write_result::applied ? result::applied : result::duplicate;
    if (w.result == ledger::write_result::applied && !it->status.is_event() && !w.current()) {
      it->history_only = true;
      it->message = not_applied_message(w.verdict);
    }
  }
  j.mark_done(jname, keys);
}

void postgres_target::describe(const item& it, json::writer& w) const {
  w.key("ledger");
  w.begin_object();
  w.field("database", shown_);
  if (it.status.is_event()) {
    ledger::event_entry e = to_event_entry(it);
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
  } else {
    ledger::entry e = to_entry(it);
    w.field("state", e.state);
    w.field("category", e.category);
    w.field("code", e.code);
    w.field("effective_date", e.effective_date);
    w.field("channel", e.channel);
    w.field("action", e.action);
    w.field("queue", e.queue);
  }
  w.end_object();
}

}  // namespace claimkit::push
