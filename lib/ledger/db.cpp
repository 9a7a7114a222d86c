#include "ledger/db.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>
#include <sqlite3.h>

#include "cli/warn.hpp"
#include "core/error.hpp"
#include "dates/instant.hpp"

namespace claimkit::ledger {
namespace {

[[noreturn]] void fail(sqlite3* db, const std::string& what, std::string_view doing) {
  // sqlite3_errmsg never quotes bound values, so it is safe to show.
  throw error(cli::exit_code::io,
              fmt::format("{}: {}: {}", what, doing, db != nullptr ? sqlite3_errmsg(db) : "out of memory"));
}

}  // namespace

statement::statement(sqlite3* db, std::string_view sql, std::string what) : db_(db), what_(std::move(what)) {
  if (sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr) !=
      SQLITE_OK) {
    fail(db, what_, "prepare");
  }
}

statement& statement::operator=(statement&& o) noexcept {
  if (this != &o) {
    sqlite3_finalize(stmt_);
    db_ = o.db_;
    stmt_ = o.stmt_;
    what_ = std::move(o.what_);
    o.stmt_ = nullptr;
  }
  return *this;
}

statement::~statement() { sqlite3_finalize(stmt_); }

statement& statement::bind(int i, std::string_view v) {
  // SQLITE_STATIC: the caller keeps the text until reset(). A copy of each
  // of the 26 columns of a status (SQLITE_TRANSIENT) was a malloc and a
  // memcpy apiece on pm-push's hot path.
  int rc = v.empty() ? sqlite3_bind_null(stmt_, i)
                     : sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
  if (rc != SQLITE_OK) fail(db_, what_, "bind");
  return *this;
}

statement& statement::bind_int(int i, std::int64_t v) {
  if (sqlite3_bind_int64(stmt_, i, v) != SQLITE_OK) fail(db_, what_, "bind");
  return *this;
}

bool statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  std::string msg = fmt::format("{}: write failed: {}", what_, sqlite3_errmsg(db_));
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);  // no pointer to the caller's text outlives the call
  throw error(cli::exit_code::io, msg);
}

std::string statement::column_text(int i) const {
  const unsigned char* t = sqlite3_column_text(stmt_, i);
  if (t == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(t), static_cast<std::size_t>(sqlite3_column_bytes(stmt_, i)));
}

std::int64_t statement::column_int(int i) const { return sqlite3_column_int64(stmt_, i); }
bool statement::column_null(int i) const { return sqlite3_column_type(stmt_, i) == SQLITE_NULL; }

void statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

database::database(const std::string& path, std::string what, bool create, bool read_only) : what_(std::move(what)) {
  if (create && !read_only) {
    // SQLite would create the file with the umask's mode; the ledger and the
    // journal carry claim ids, so they are private from the first byte. The
    // -wal and -shm files SQLite makes later copy this file's mode.
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
      throw error(cli::exit_code::io, fmt::format("{}: cannot create: {}", what_, std::strerror(errno)));
    }
    // An existing file others could read is made private before claim data
    // goes into it, with a warning; a chmod that fails stops the run.
    struct stat st {};
    if (::fstat(fd, &st) == 0 && (st.st_size == 0 || (st.st_mode & 077) != 0)) {
      if (st.st_size > 0) {
        cli::warn(fmt::format("{}: group or others could read it (mode {:o}); made 600", what_, st.st_mode & 07777));
      }
      if (::fchmod(fd, 0600) != 0) {
        int e = errno;
        ::close(fd);
        throw error(cli::exit_code::io, fmt::format("{}: cannot chmod 600: {}", what_, std::strerror(e)));
      }
    }
    ::close(fd);
  }
  int flags = read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
  flags |= SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
    std::string msg = fmt::format("{}: cannot open: {}", what_, db_ ? sqlite3_errmsg(db_) : "out of memory");
    sqlite3_close(db_);
    db_ = nullptr;
    throw error(cli::exit_code::io, msg);
  }
  sqlite3_extended_result_codes(db_, 1);
  // Readers such as the sqlite3 shell may hold the database briefly.
  sqlite3_busy_timeout(db_, 10000);
}

database::~database() { sqlite3_close_v2(db_); }

void database::exec(std::string_view sql) {
  std::string s(sql);
  char* err = nullptr;
  if (sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = fmt::format("{}: {}", what_, err != nullptr ? err : "error");
    sqlite3_free(err);
    throw error(cli::exit_code::io, msg);
  }
}

std::int64_t database::user_version() {
  statement st = prepare("PRAGMA user_version");
  st.step();
  return st.column_int(0);
}

std::string now_rfc3339() { return dates::format_rfc3339(dates::now()); }

}  // namespace claimkit::ledger
