#include "journal/journal.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>
#include <sqlite3.h>

#include "core/error.hpp"
#include "ledger/db.hpp"
#include "push/sha256.hpp"

namespace claimkit::journal {
namespace {

constexpr std::string_view kSchemaV1 = R"sql(
CREATE TABLE journal (
  target      TEXT NOT NULL,
  key         TEXT NOT NULL,
  state       TEXT NOT NULL CHECK (state IN ('intent', 'done', 'failed')),
  attempts    INTEGER NOT NULL DEFAULT 0,
  http_status INTEGER,
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL,
  PRIMARY KEY (target, key)
) WITHOUT ROWID;
)sql";

// Another user's file or a symbolic link in place of the journal would let
// someone else decide what counts as sent (or point the writes elsewhere).
void refuse_foreign(const std::string& path, std::string_view what, bool must_be_dir) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return;
    throw error(cli::exit_code::io, fmt::format("{}: cannot read: {}", what, std::strerror(errno)));
  }
  if (S_ISLNK(st.st_mode)) throw error(cli::exit_code::io, fmt::format("{}: is a symbolic link; refused", what));
  if (st.st_uid != ::geteuid()) {
    throw error(cli::exit_code::io, fmt::format("{}: owned by another user; refused", what));
  }
  if (must_be_dir ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode)) {
    throw error(cli::exit_code::io,
                fmt::format("{}: not a {}; refused", what, must_be_dir ? "directory" : "regular file"));
  }
}

state parse(std::string_view s) {
  if (s == "intent") return state::intent;
  if (s == "done") return state::done;
  if (s == "failed") return state::failed;
  return state::none;
}

}  // namespace

std::string_view to_string(state s) {
  switch (s) {
    case state::intent: return "intent";
    case state::done: return "done";
    case state::failed: return "failed";
    case state::none: break;
  }
  return "none";
}

void make_private_dirs(const std::string& dir) {
  if (dir.empty()) return;
  std::size_t pos = 0;
  while (pos != std::string::npos) {
    pos = dir.find('/', pos + 1);
    std::string part = dir.substr(0, pos);
    if (part.empty()) continue;
    if (::mkdir(part.c_str(), 0700) != 0 && errno != EEXIST) {
      throw error(cli::exit_code::io, fmt::format("{}: cannot create directory: {}", part, std::strerror(errno)));
    }
  }
}

std::string default_dir() {
  const char* xdg = std::getenv("XDG_STATE_HOME");
  std::string base;
  if (xdg != nullptr && xdg[0] == '/') {
    base = xdg;
  } else {
    const char* home = std::getenv("HOME");
    if (home == nullptr || home[0] != '/') {
      throw error(cli::exit_code::usage, "no journal location: set XDG_STATE_HOME or HOME, or give --journal");
    }
    base = std::string(home) + "/.local/state";
  }
  return base + "/claimkit/journal";
}

std::string default_path(std::string_view target_kind, std::string_view target_identity) {
  return fmt::format("{}/{}-{}.journal", default_dir(), target_kind, push::sha256_hex(target_identity, 16));
}

std::string earlier_default_path() {
  std::string dir = default_dir();
  return dir.substr(0, dir.rfind('/')) + "/pm-push.journal";
}

void check_default_dir() {
  std::string dir = default_dir();
  std::string parent = dir.substr(0, dir.rfind('/'));
  refuse_foreign(parent, fmt::format("journal directory {}", parent), true);
  refuse_foreign(dir, fmt::format("journal directory {}", dir), true);
}

file_journal::file_journal(const std::string& path, bool read_only) : path_(path) {
  std::string what = fmt::format("journal {}", path);
  refuse_foreign(path, what, false);
  if (read_only) {
    if (::access(path.c_str(), F_OK) != 0) return;
    db_ = std::make_unique<ledger::database>(path, what, false, true);
  } else {
    std::size_t slash = path.rfind('/');
    if (slash != std::string::npos && slash > 0) make_private_dirs(path.substr(0, slash));
    std::string lock_path = path + ".lock";
    refuse_foreign(lock_path, fmt::format("journal lock {}", lock_path), false);
    lock_fd_ = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (lock_fd_ < 0) {
      throw error(cli::exit_code::io, fmt::format("{}: cannot create: {}", lock_path, std::strerror(errno)));
    }
    if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
      int e = errno;
      ::close(lock_fd_);
      lock_fd_ = -1;
      throw error(cli::exit_code::io, e == EWOULDBLOCK ? fmt::format("{}: in use by another pm-push run", what)
                                                       : fmt::format("{}: cannot lock: {}", what, std::strerror(e)));
    }
    db_ = std::make_unique<ledger::database>(path, what, true);
    db_->exec("PRAGMA journal_mode=WAL");
    // FULL: a mark is on disk before the send it announces (or after the
    // success it records) proceeds.
    db_->exec("PRAGMA synchronous=FULL");
    db_->exec("BEGIN IMMEDIATE");
    std::int64_t v = db_->user_version();
    if (v > 1) {
      db_->exec("ROLLBACK");
      throw error(cli::exit_code::io, fmt::format("{}: format version {} is newer than this pm-push", what, v));
    }
    if (v < 1) {
      db_->exec(kSchemaV1);
      db_->exec("PRAGMA user_version = 1");
    }
    db_->exec("COMMIT");
    set_ = std::make_unique<ledger::statement>(
        db_->prepare("INSERT INTO journal (target, key, state, attempts, http_status, created_at, updated_at)"
                     " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6) ON CONFLICT (target, key) DO UPDATE SET"
                     " state = excluded.state, attempts = attempts + excluded.attempts,"
                     " http_status = coalesce(excluded.http_status, http_status), updated_at = excluded.updated_at"));
  }
  get_ = std::make_unique<ledger::statement>(db_->prepare("SELECT state FROM journal WHERE target = ?1 AND key = ?2"));
}

file_journal::~file_journal() {
  get_.reset();
  set_.reset();
  db_.reset();
  if (lock_fd_ >= 0) ::close(lock_fd_);  // releases the flock
}

void read_ahead::fill(ledger::database& db, std::string_view target, const std::vector<std::string_view>& keys) {
  marks_.clear();
  target_ = target;
  if (keys.empty()) return;
  const bool own = sqlite3_get_autocommit(db.handle()) != 0;
  try {
    if (own) db.exec("BEGIN");
    marks_.reserve(keys.size());
    for (std::string_view k : keys) marks_.emplace(k, lookup_(target, k));
    if (own) db.exec("COMMIT");
  } catch (const error&) {
    marks_.clear();
    if (own) {
      try {
        db.exec("COMMIT");
      } catch (const error&) {
      }
    }
  }
}

state read_ahead::get(std::string_view target, std::string_view key) const {
  if (!marks_.empty() && target == target_) {
    if (auto m = marks_.find(key); m != marks_.end()) return m->second;
  }
  return lookup_(target, key);
}

// A failing step() resets the statement itself.
state file_journal::lookup(std::string_view target, std::string_view key) {
  get_->bind(1, target).bind(2, key);
  state s = get_->step() ? parse(get_->column_text(0)) : state::none;
  get_->reset();
  return s;
}

state file_journal::get(std::string_view target, std::string_view key) {
  std::lock_guard<std::mutex> lock(mu_);
  return get_ ? ahead_.get(target, key) : state::none;
}

void file_journal::prefetch(std::string_view target, const std::vector<std::string_view>& keys) {
  std::lock_guard<std::mutex> lock(mu_);
  ahead_.clear();
  if (get_) ahead_.fill(*db_, target, keys);
}

void file_journal::set(std::string_view target, const std::vector<std::string>& keys, state s, int http_status) {
  std::vector<entry> marks;
  marks.reserve(keys.size());
  for (const auto& k : keys) marks.push_back({k, s, http_status});
  mark_all(target, marks);
}

void file_journal::mark_all(std::string_view target, const std::vector<entry>& marks) {
  if (marks.empty()) return;
  std::lock_guard<std::mutex> lock(mu_);
  if (!set_) throw error(cli::exit_code::internal, "journal opened read-only");
  ahead_.clear();
  std::string now = ledger::now_rfc3339();
  db_->exec("BEGIN IMMEDIATE");
  try {
    for (const auto& m : marks) {
      set_->bind(1, target).bind(2, m.key).bind(3, to_string(m.to)).bind_int(4, m.to == state::intent ? 1 : 0);
      if (m.http_status > 0) set_->bind_int(5, m.http_status);
      set_->bind(6, now);
      set_->step();
      set_->reset();
    }
    db_->exec("COMMIT");
  } catch (...) {
    set_->reset();
    try {
      db_->exec("ROLLBACK");
    } catch (...) {
    }
    throw;
  }
}

void file_journal::mark_intent(std::string_view target, const std::vector<std::string>& keys) {
  set(target, keys, state::intent, 0);
}
void file_journal::mark_done(std::string_view target, const std::vector<std::string>& keys, int http_status) {
  set(target, keys, state::done, http_status);
}
void file_journal::mark_failed(std::string_view target, const std::vector<std::string>& keys, int http_status) {
  set(target, keys, state::failed, http_status);
}
void file_journal::mark(std::string_view target, std::string_view key, state s, int http_status) {
  set(target, {std::string(key)}, s, http_status);
}

}  // namespace claimkit::journal
