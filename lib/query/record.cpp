#include "query/record.hpp"

#include <pwd.h>
#include <unistd.h>
#include <cstdlib>

#include <fmt/format.h>

#include "dates/civil.hpp"
#include "json/writer.hpp"

namespace claimkit::query {
namespace {

bool is_code_char(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// X12 limits: category (1271 list) is 1-3 characters, status code (508
// list) 1-30, entity (98 list) 2-3; all alphanumeric.
bool code_ok(std::string_view v, std::size_t min, std::size_t max) {
  if (v.size() < min || v.size() > max) return false;
  for (char c : v) {
    if (!is_code_char(c)) return false;
  }
  return true;
}

struct status_parts {
  std::string_view category, code, entity;
};

bool split_status(std::string_view s, status_parts& p) {
  auto a = s.find(':');
  if (a == std::string_view::npos) return false;
  p.category = s.substr(0, a);
  std::string_view rest = s.substr(a + 1);
  auto b = rest.find(':');
  p.code = rest.substr(0, b);
  p.entity = b == std::string_view::npos ? std::string_view() : rest.substr(b + 1);
  if (!code_ok(p.category, 1, 3) || !code_ok(p.code, 1, 30)) return false;
  return b == std::string_view::npos || code_ok(p.entity, 2, 3);
}

std::string trim(std::string_view v) {
  auto b = v.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  auto e = v.find_last_not_of(" \t\r\n");
  return std::string(v.substr(b, e - b + 1));
}

// YYYY-MM-DD, or MM/DD/YYYY as spreadsheets write it (M and D may be one digit).
bool read_date(std::string_view text, dates::day_number& d) {
  if (dates::parse(text, d)) return true;
  auto a = text.find('/');
  auto b = a == std::string_view::npos ? a : text.find('/', a + 1);
  if (b == std::string_view::npos) return false;
  std::string_view m = text.substr(0, a), dd = text.substr(a + 1, b - a - 1), y = text.substr(b + 1);
  if (m.empty() || m.size() > 2 || dd.empty() || dd.size() > 2 || y.size() != 4) return false;
  std::string iso = fmt::format("{}-{:0>2}-{:0>2}", y, m, dd);
  return dates::parse(iso, d);
}

}  // namespace

const std::vector<std::string_view>& said_status_columns() {
  static const std::vector<std::string_view> cols = {"channel", "claim_id",  "payer_id", "status",
                                                     "text",    "reference", "date",     "by"};
  return cols;
}

std::string check_said_status(said_status& s, std::string_view fallback_by) {
  for (std::string* f : {&s.channel, &s.claim_id, &s.payer_id, &s.text, &s.reference, &s.status, &s.date, &s.by}) {
    *f = trim(*f);
  }
  if (s.channel.empty()) return "no channel (phone or portal)";
  if (s.channel != "phone" && s.channel != "portal") return "channel is not phone or portal";
  if (s.claim_id.empty()) return "no claim_id";
  if (s.status.empty() && s.text.empty()) return "neither status nor text: nothing was said";
  if (!s.status.empty()) {
    status_parts p;
    if (!split_status(s.status, p)) return "status is not CATEGORY:CODE[:ENTITY] (e.g. F1:65 or R4:21:PR)";
  }
  const dates::day_number today = dates::today_local();
  if (s.date.empty()) {
    s.date = dates::format(today);
  } else {
    dates::day_number d = 0;
    if (!read_date(s.date, d)) return "date is not YYYY-MM-DD or MM/DD/YYYY";
    if (d > today) return "date is after today";
    s.date = dates::format(d);
  }
  if (s.by.empty()) s.by = std::string(fallback_by);
  return {};
}

void write_said_status(std::string& out, const said_status& s, std::string_view file) {
  json::writer w(out);
  w.begin_object();
  w.key("type");
  w.string("claim_status");
  w.field("claim_id", s.claim_id);
  if (!s.payer_id.empty()) {
    w.key("payer");
    w.begin_object();
    w.field("id", s.payer_id);
    w.end_object();
  }
  if (!s.status.empty()) {
    status_parts p;
    split_status(s.status, p);
    w.key("statuses");
    w.begin_array();
    w.begin_object();
    w.field("category", p.category);
    w.field("code", p.code);
    w.field("entity", p.entity);
    w.field("effective_date", s.date);
    w.end_object();
    w.end_array();
  }
  // The day it was said: with codes or without, the status's effective
  // date, so that it stands against a dated 277 (claimkit(7), PRECEDENCE).
  w.field("effective_date", s.date);
  w.field("reference", s.reference);
  w.field("text", s.text);
  w.field("checked_by", s.by);
  w.key("source");
  w.begin_object();
  w.field("channel", s.channel);
  w.field("file", file);
  w.end_object();
  w.end_object();
  out.push_back('\n');
}

std::string current_user() {
  if (const char* u = std::getenv("USER"); u != nullptr && *u != '\0') return u;
  if (const passwd* pw = ::getpwuid(::getuid()); pw != nullptr && pw->pw_name != nullptr) return pw->pw_name;
  return fmt::format("uid {}", ::getuid());
}

}  // namespace claimkit::query
