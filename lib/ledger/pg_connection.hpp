#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

struct pg_conn;
struct pg_result;

namespace claimkit::ledger {

/// True for "postgresql://..." and "postgres://..." (libpq connection URIs).
bool is_postgres_uri(std::string_view s);

/// Checks a connection URI before anything is read (libpq's parser, so
/// every URI libpq takes is taken): claimkit::error (usage) when it is not
/// one or carries a password, which would sit in argv and the process list.
/// Returns the URI as shown in messages and journal names:
/// postgresql://USER@HOST:PORT/DB with only the parts the URI gives.
std::string check_postgres_uri(std::string_view uri);

/// A failed statement: the SQLSTATE tells a retryable conflict (40001
/// serialization failure, 40P01 deadlock) from the rest; a lost or refused
/// connection is exit code 4 (remote), anything else 3.
class pg_error : public error {
 public:
  pg_error(cli::exit_code code, const std::string& message, std::string sqlstate)
      : error(code, message), sqlstate_(std::move(sqlstate)) {}
  const std::string& sqlstate() const { return sqlstate_; }
  bool retryable() const { return sqlstate_ == "40001" || sqlstate_ == "40P01"; }

 private:
  std::string sqlstate_;
};

/// A query result; rows of text values.
class pg_rows {
 public:
  explicit pg_rows(pg_result* r) : r_(r) {}
  pg_rows(pg_rows&& o) noexcept : r_(o.r_) { o.r_ = nullptr; }
  pg_rows(const pg_rows&) = delete;
  pg_rows& operator=(const pg_rows&) = delete;
  ~pg_rows();
  int size() const;
  bool null(int row, int col) const;
  std::string_view text(int row, int col) const;

 private:
  pg_result* r_;
};

/// One libpq connection. Messages name the connection (`what`, the URI
/// without a password) and carry the server's primary message only: the
/// DETAIL of a constraint error quotes values, which may be PHI.
class pg_connection {
 public:
  /// Connects to uri (already checked). libpq reads ~/.pgpass or
  /// PGPASSFILE; when the server still wants a password, password() is asked
  /// (the kit's config file) and the connection tried once more with it.
  /// PGPASSWORD is refused (usage): passwords stay out of the environment.
  pg_connection(const std::string& uri, std::string what, const std::function<std::string()>& password);
  ~pg_connection();
  pg_connection(const pg_connection&) = delete;
  pg_connection& operator=(const pg_connection&) = delete;

  /// Runs sql (no parameters; several statements allowed).
  void exec(const std::string& sql);
  /// Runs sql with text parameters; std::nullopt binds NULL.
  pg_rows query(const std::string& sql, const std::vector<std::optional<std::string_view>>& params);
  /// COPY ... FROM STDIN with data in COPY's text format (copy_text()).
  void copy_in(const std::string& sql, std::string_view data);
  /// v quoted as an SQL literal for this connection (PQescapeLiteral), to
  /// put several statements in one exec().
  std::string literal(std::string_view v);
  const std::string& what() const { return what_; }

 private:
  [[noreturn]] void fail(pg_result* r, std::string_view doing);
  bool connect(const std::string& uri, const std::string& password);
  pg_conn* conn_ = nullptr;
  std::string what_;
};

/// Appends v to a COPY text-format row (escaped; tab-separated by the
/// caller); nullopt is \N (NULL).
void copy_text(std::string& row, std::optional<std::string_view> v);
/// A text[] literal ({"a","b"}) for an = ANY($n::text[]) parameter.
std::string text_array(const std::vector<std::string_view>& values);

}  // namespace claimkit::ledger
