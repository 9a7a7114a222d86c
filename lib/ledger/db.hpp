#pragma once

#include <cstdint>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace claimkit::ledger {

/// A prepared statement; reset and unbound after each use by its owner.
class statement {
 public:
  statement() = default;
  statement(sqlite3* db, std::string_view sql, std::string what);
  statement(statement&& o) noexcept : db_(o.db_), stmt_(o.stmt_), what_(std::move(o.what_)) { o.stmt_ = nullptr; }
  statement& operator=(statement&& o) noexcept;
  statement(const statement&) = delete;
  statement& operator=(const statement&) = delete;
  ~statement();

  /// Binds text; empty text binds NULL (absent values stay absent). The
  /// text is not copied: it must stay valid until reset() (a temporary
  /// bound in one statement and stepped in the next is gone by then).
  statement& bind(int i, std::string_view v);
  statement& bind_int(int i, std::int64_t v);
  /// Steps once: true when a row is available.
  bool step();
  std::string column_text(int i) const;
  std::int64_t column_int(int i) const;
  bool column_null(int i) const;
  void reset();

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
  std::string what_;
};

/// An open SQLite database. Errors become claimkit::error with exit code 3
/// naming `what` (the file's role and path), never a record value.
class database {
 public:
  /// Opens path; creates it with mode 0600 when create is set.
  database(const std::string& path, std::string what, bool create, bool read_only = false);
  database(const database&) = delete;
  database& operator=(const database&) = delete;
  ~database();

  void exec(std::string_view sql);
  statement prepare(std::string_view sql) { return statement(db_, sql, what_); }
  std::int64_t user_version();
  sqlite3* handle() { return db_; }
  const std::string& what() const { return what_; }

 private:
  sqlite3* db_ = nullptr;
  std::string what_;
};

/// The current time as RFC 3339 UTC with seconds ("2026-11-23T06:04:03Z").
std::string now_rfc3339();

}  // namespace claimkit::ledger
