#include "ledger/pg_connection.hpp"

#include <cstdlib>

#include <fmt/format.h>
#include <libpq-fe.h>

namespace claimkit::ledger {
namespace {

struct conninfo_deleter {
  void operator()(PQconninfoOption* o) const { PQconninfoFree(o); }
};

// libpq's messages end with a newline and may run over several lines.
std::string one_line(const char* msg) {
  std::string s = msg != nullptr ? msg : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  for (char& c : s) {
    if (c == '\n') c = ' ';
  }
  return s.empty() ? std::string("unknown error") : s;
}

bool remote_state(std::string_view st) {
  // Class 08: connection exception; 57P01..03: the server is shutting down
  // or starting (a restart); 53300: too many connections.
  return st.rfind("08", 0) == 0 || st == "57P01" || st == "57P02" || st == "57P03" || st == "53300";
}

}  // namespace

bool is_postgres_uri(std::string_view s) { return s.rfind("postgresql://", 0) == 0 || s.rfind("postgres://", 0) == 0; }

std::string check_postgres_uri(std::string_view uri) {
  if (!is_postgres_uri(uri)) {
    throw error(cli::exit_code::usage, "expected a postgresql:// or postgres:// connection URI");
  }
  std::string s(uri);
  char* err = nullptr;
  // libpq's parser: the URI means here what it means to psql. Its message
  // may quote the URI, which may hold a password: not shown.
  std::unique_ptr<PQconninfoOption, conninfo_deleter> opts(PQconninfoParse(s.c_str(), &err));
  if (err != nullptr) PQfreemem(err);
  if (!opts) throw error(cli::exit_code::usage, "not a valid PostgreSQL connection URI (see libpq's URI syntax)");
  std::string user, host, port, dbname;
  for (PQconninfoOption* o = opts.get(); o->keyword != nullptr; ++o) {
    if (o->val == nullptr) continue;
    std::string_view k = o->keyword;
    if (k == "password") {
      throw error(cli::exit_code::usage,
                  "the connection URI holds a password; remove it and put the password in ~/.pgpass, "
                  "PGPASSFILE or the config file's [postgresql] password");
    }
    if (k == "user") user = o->val;
    if (k == "host") host = o->val;
    if (k == "hostaddr" && host.empty()) host = o->val;
    if (k == "port") port = o->val;
    if (k == "dbname") dbname = o->val;
  }
  std::string shown = "postgresql://";
  if (!user.empty()) shown += user + "@";
  shown += host;
  if (!port.empty()) shown += ":" + port;
  shown += "/" + dbname;
  return shown;
}

pg_rows::~pg_rows() { PQclear(r_); }
int pg_rows::size() const { return PQntuples(r_); }
bool pg_rows::null(int row, int col) const { return PQgetisnull(r_, row, col) != 0; }
std::string_view pg_rows::text(int row, int col) const {
  return {PQgetvalue(r_, row, col), static_cast<std::size_t>(PQgetlength(r_, row, col))};
}

pg_connection::pg_connection(const std::string& uri, std::string what, const std::function<std::string()>& password)
    : what_(std::move(what)) {
  if (const char* env = std::getenv("PGPASSWORD"); env != nullptr && *env != '\0') {
    throw error(cli::exit_code::usage,
                fmt::format("{}: PGPASSWORD is set; the kit reads passwords only from ~/.pgpass, PGPASSFILE or the "
                            "config file's [postgresql] password (unset it)",
                            what_));
  }
  if (!connect(uri, {}) && PQconnectionNeedsPassword(conn_) && password) {
    // Asked only now, so the config file is read only when a server wants
    // a password that the password file does not give.
    std::string pw = password();
    if (!pw.empty()) {
      PQfinish(conn_);
      conn_ = nullptr;
      connect(uri, pw);
    }
  }
  if (conn_ == nullptr) throw error(cli::exit_code::remote, fmt::format("{}: cannot connect: out of memory", what_));
  if (PQstatus(conn_) != CONNECTION_OK) {
    std::string msg = fmt::format("{}: cannot connect: {}", what_, one_line(PQerrorMessage(conn_)));
    PQfinish(conn_);
    conn_ = nullptr;
    throw error(cli::exit_code::remote, msg);
  }
  // Notices (e.g. "relation already exists, skipping") are not for the user.
  PQsetNoticeProcessor(
      conn_, [](void*, const char*) {}, nullptr);
}

bool pg_connection::connect(const std::string& uri, const std::string& password) {
  // The URI is expanded in place of dbname; what comes after it overrides
  // it, what comes before is a default the URI may override.
  std::vector<const char*> keys = {"connect_timeout", "application_name", "dbname", "client_encoding"};
  std::vector<const char*> values = {"10", "claimkit", uri.c_str(), "UTF8"};
  if (!password.empty()) {
    keys.push_back("password");
    values.push_back(password.c_str());
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);
  conn_ = PQconnectdbParams(keys.data(), values.data(), /*expand_dbname=*/1);
  return conn_ != nullptr && PQstatus(conn_) == CONNECTION_OK;
}

pg_connection::~pg_connection() { PQfinish(conn_); }

void pg_connection::fail(pg_result* r, std::string_view doing) {
  const char* st = r != nullptr ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  std::string sqlstate = st != nullptr ? st : "";
  const char* primary = r != nullptr ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  std::string msg;
  if (sqlstate.rfind("22", 0) == 0) {
    // Data exceptions quote the offending value ("invalid input syntax for
    // type integer: ..."): the code only.
    msg = fmt::format("data exception (SQLSTATE {})", sqlstate);
  } else {
    msg = primary != nullptr ? one_line(primary) : one_line(PQerrorMessage(conn_));
  }
  PQclear(r);
  bool remote = PQstatus(conn_) != CONNECTION_OK || remote_state(sqlstate);
  if (remote) msg = "connection lost: " + msg;
  throw pg_error(remote ? cli::exit_code::remote : cli::exit_code::io, fmt::format("{}: {}: {}", what_, doing, msg),
                 sqlstate);
}

void pg_connection::exec(const std::string& sql) {
  PGresult* r = PQexec(conn_, sql.c_str());
  ExecStatusType s = PQresultStatus(r);
  if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) fail(r, "statement failed");
  PQclear(r);
}

pg_rows pg_connection::query(const std::string& sql, const std::vector<std::optional<std::string_view>>& params) {
  // PQexecParams wants NUL-terminated values: copies, kept alive here.
  std::vector<std::string> owned;
  owned.reserve(params.size());
  std::vector<const char*> values;
  for (const auto& p : params) {
    if (p) {
      owned.emplace_back(*p);
      values.push_back(owned.back().c_str());
    } else {
      values.push_back(nullptr);
    }
  }
  PGresult* r =
      PQexecParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr, nullptr, 0);
  ExecStatusType s = PQresultStatus(r);
  if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) fail(r, "statement failed");
  return pg_rows(r);
}

void pg_connection::copy_in(const std::string& sql, std::string_view data) {
  PGresult* r = PQexec(conn_, sql.c_str());
  if (PQresultStatus(r) != PGRES_COPY_IN) fail(r, "copy failed");
  PQclear(r);
  bool sent = PQputCopyData(conn_, data.data(), static_cast<int>(data.size())) == 1;
  if (PQputCopyEnd(conn_, sent ? nullptr : "client could not send") != 1) fail(nullptr, "copy failed");
  PGresult* last = nullptr;
  while (PGresult* x = PQgetResult(conn_)) {
    if (last != nullptr) PQclear(last);
    last = x;
  }
  if (last == nullptr || PQresultStatus(last) != PGRES_COMMAND_OK) fail(last, "copy failed");
  PQclear(last);
}

std::string pg_connection::literal(std::string_view v) {
  char* q = PQescapeLiteral(conn_, v.data(), v.size());
  if (q == nullptr) fail(nullptr, "quoting failed");
  std::string out(q);
  PQfreemem(q);
  return out;
}

void copy_text(std::string& row, std::optional<std::string_view> v) {
  if (!v) {
    row += "\\N";
    return;
  }
  for (char c : *v) {
    switch (c) {
      case '\\': row += "\\\\"; break;
      case '\t': row += "\\t"; break;
      case '\n': row += "\\n"; break;
      case '\r': row += "\\r"; break;
      default: row.push_back(c);
    }
  }
}

std::string text_array(const std::vector<std::string_view>& values) {
  std::string out = "{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out.push_back(',');
    out.push_back('"');
    for (char c : values[i]) {
      if (c == '"' || c == '\\') out.push_back('\\');
      out.push_back(c);
    }
    out.push_back('"');
  }
  out.push_back('}');
  return out;
}

}  // namespace claimkit::ledger
