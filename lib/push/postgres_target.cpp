#include "push/postgres_target.hpp"

#include <sys/stat.h>

#include <mutex>
#include <unordered_map>

#include <fmt/format.h>

#include "cli/config.hpp"
#include "core/error.hpp"
#include "dates/civil.hpp"
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

namespace {

namespace jn = claimkit::journal;

// The marks in the ledger database's journal table. push() writes the done
// marks itself, in the batch's transaction; these methods serve the runner's
// lookups and any mark made outside a batch (each call its own transaction).
class postgres_journal final : public jn::journal {
 public:
  postgres_journal(ledger::postgres_ledger& l, std::string where) : ledger_(l), where_(std::move(where)) {}
  // The runner's lookups for a chunk come after one prefetch() of its keys:
  // one query instead of a round trip per record (20,000 records took 16 s
  // over loopback on a loaded machine with a query each). A mark read then
  // may be overtaken by another writer's; the ledger's key dedupes that.
  void prefetch(std::string_view target, const std::vector<std::string_view>& keys) override {
    std::lock_guard<std::mutex> lock(mu_);
    cache_.clear();
    cache_target_ = target;
    for (std::string_view k : keys) cache_.emplace(k, std::string());
    // A database that cannot be reached reads as no marks: the records go
    // to push(), which stops the run (or, once stopped, they end as not
    // sent); a resend is a duplicate by the ledger's key, never a second row.
    try {
      for (auto& [k, st] : ledger_.marks(target, keys)) cache_[k] = st;
    } catch (const error&) {
    }
  }
  jn::state get(std::string_view target, std::string_view key) override {
    std::lock_guard<std::mutex> lock(mu_);
    std::string s;
    if (auto c = cache_.find(std::string(key)); c != cache_.end() && target == cache_target_) {
      s = c->second;
    } else {
      try {
        s = ledger_.mark(target, key);
      } catch (const error&) {
      }
    }
    if (s == "done") return jn::state::done;
    if (s == "intent") return jn::state::intent;
    if (s == "failed") return jn::state::failed;
    return jn::state::none;
  }
  void mark_intent(std::string_view target, const std::vector<std::string>& keys) override {
    set(target, keys, jn::state::intent, 0);
  }
  void mark_done(std::string_view target, const std::vector<std::string>& keys, int http_status) override {
    set(target, keys, jn::state::done, http_status);
  }
  void mark_failed(std::string_view target, const std::vector<std::string>& keys, int http_status) override {
    set(target, keys, jn::state::failed, http_status);
  }
  void mark(std::string_view target, std::string_view key, jn::state s, int http_status) override {
    set(target, {std::string(key)}, s, http_status);
  }
  void mark_all(std::string_view target, const std::vector<entry>& marks) override {
    std::vector<ledger::postgres_ledger::mark_entry> m;
    for (const entry& e : marks) m.push_back({e.key, std::string(jn::to_string(e.to)), e.http_status});
    std::lock_guard<std::mutex> lock(mu_);
    ledger_.set_marks(target, m, ledger::now_rfc3339());
  }
  const std::string& path() const override { return where_; }

 private:
  void set(std::string_view target, const std::vector<std::string>& keys, jn::state s, int http_status) {
    std::vector<ledger::postgres_ledger::mark_entry> m;
    for (const std::string& k : keys) m.push_back({k, std::string(jn::to_string(s)), http_status});
    std::lock_guard<std::mutex> lock(mu_);
    ledger_.set_marks(target, m, ledger::now_rfc3339());
  }
  std::mutex mu_;
  std::string cache_target_;
  std::unordered_map<std::string, std::string> cache_;  // key -> state ("": none)
  ledger::postgres_ledger& ledger_;
  std::string where_;
};

}  // namespace

std::string postgres_target::journal_name() const {
  if (ledger_) return "postgresql:" + ledger_->ledger_id();
  return "postgresql:" + shown_;
}

void postgres_target::open() {
  // The config file's [postgresql] password, read only when the server asks
  // for a password that ~/.pgpass (or PGPASSFILE) does not give.
  auto password = [this]() -> std::string {
    return cli::config::load_default(config_path_).get("postgresql", "password").value_or(std::string());
  };
  // The same recheck intervals as the sqlite ledger's next_check (claim-age(1)).
  recheck_ = age::recheck_plan::from_config(cli::config::load_default(config_path_));
  ledger_ = std::make_unique<ledger::postgres_ledger>(uri_, CLAIMKIT_VERSION, password);
  journal_ = std::make_unique<postgres_journal>(*ledger_, shown_ + " (journal table)");
}

void postgres_target::push(std::vector<item*>& batch, journal::journal& j, stop_reason& stop) {
  std::vector<std::string> keys;
  keys.reserve(batch.size());
  for (item* it : batch) keys.push_back(it->key);
  const std::string jname = journal_name();
  // The done marks go into the database's journal table in the batch's
  // transaction: a record is marked exactly when it is in the ledger, with
  // no intent before (nothing can be half sent). A journal file given with
  // --journal is kept besides, as with the sqlite target.
  const bool file = &j != journal_.get();
  if (file) j.mark_intent(jname, keys);
  const std::string now = ledger::now_rfc3339();
  dates::day_number today = 0;
  dates::parse_timestamp_date(now, today);
  std::vector<ledger::entry> entries;
  std::vector<ledger::event_entry> events;
  entries.reserve(batch.size());
  std::vector<ledger::batch_record> records(batch.size());
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (batch[i]->status.is_event()) {
      events.push_back(to_event_entry(*batch[i]));
    } else {
      entries.push_back(to_entry(*batch[i]));
      ledger::entry& e = entries.back();
      if (auto next = recheck_.next_check(today, e.state, e.payer_id)) e.next_check = dates::format(*next);
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
    ledger_->write_batch(records, now, jname, keys);
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
    if (file && !remote) j.mark_failed(jname, keys);
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
  if (file) j.mark_done(jname, keys);
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
