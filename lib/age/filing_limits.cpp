#include "age/filing_limits.hpp"

#include <charconv>
#include <sstream>

#include <fmt/format.h>

#include "core/error.hpp"
#include "csv/reader.hpp"
#include "io/input.hpp"
#include "ndjson/value.hpp"

namespace claimkit::age {
namespace {

std::string upper(std::string_view s) {
  std::string u(s);
  for (char& c : u) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return u;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool parse_days(std::string_view s, int& out) {
  s = trim(s);
  auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return !s.empty() && r.ec == std::errc() && r.ptr == s.data() + s.size() && out > 0 && out <= 100000;
}

[[noreturn]] void malformed(const std::string& name, std::size_t line, std::string_view what) {
  if (line > 0) throw error(cli::exit_code::usage, fmt::format("{}:{}: {}", name, line, what));
  throw error(cli::exit_code::usage, fmt::format("{}: {}", name, what));
}

}  // namespace

void filing_limits::add(std::string_view key, int days) {
  if (key == "default") {
    default_days_ = days;
    has_default_ = true;
  } else if (key.substr(0, 5) == "name:") {
    by_name_.emplace_back(upper(key.substr(5)), days);
  } else {
    by_id_[std::string(key)] = days;
  }
}

filing_limits filing_limits::builtin() {
  filing_limits t;
  t.add("default", 90);
  t.add("name:MEDICARE", 365);
  return t;
}

filing_limits filing_limits::load(const std::string& path) {
  io::input in(path);
  std::string text;
  char buf[65536];
  for (std::size_t n; (n = in.read(buf, sizeof buf)) > 0;) {
    text.append(buf, n);
    if (text.size() > (64u << 20))
      throw error(cli::exit_code::usage, in.name() + ": filing-limits table larger than 64 MiB");
  }
  return parse(text, in.name());
}

filing_limits filing_limits::parse(std::string_view text, const std::string& name) {
  filing_limits t;
  t.from_file_ = true;
  std::size_t first = text.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && (text[first] == '{' || text[first] == '[')) {
    std::string_view body = text.substr(first);
    while (!body.empty() && (body.back() == '\n' || body.back() == '\r' || body.back() == ' ' || body.back() == '\t')) {
      body.remove_suffix(1);
    }
    ndjson::parse_error err;
    if (!ndjson::validate(body, err))
      malformed(name, 0, fmt::format("invalid JSON at byte {}: {}", first + err.offset + 1, err.message));
    std::string key;
    auto days_of = [&](const ndjson::member& m, int& d) {
      if (m.kind != ndjson::kind::number || !parse_days(m.value, d)) {
        malformed(name, 0, "days must be a positive whole number");
      }
    };
    std::vector<ndjson::member> members;
    if (body.front() == '{') {
      ndjson::members_of(body, members);
      for (const auto& m : members) {
        int d = 0;
        days_of(m, d);
        key.clear();
        ndjson::unescape(m.key, key);
        t.add(key, d);
      }
    } else {
      std::vector<std::string_view> elems;
      ndjson::elements_of(body, elems);
      for (auto e : elems) {
        if (e.empty() || e.front() != '{') malformed(name, 0, "array elements must be objects with payer_id and days");
        ndjson::members_of(e, members);
        const ndjson::member* id = ndjson::find(members, "payer_id");
        const ndjson::member* days = ndjson::find(members, "days");
        if (id == nullptr || id->kind != ndjson::kind::string || days == nullptr) {
          malformed(name, 0, "array elements must be objects with payer_id and days");
        }
        int d = 0;
        days_of(*days, d);
        key.clear();
        ndjson::unescape(id->value.substr(1, id->value.size() - 2), key);
        t.add(key, d);
      }
    }
    return t;
  }
  std::istringstream in{std::string(text)};
  csv::reader rd(in);
  std::vector<std::string> cells;
  bool first_row = true;
  for (;;) {
    try {
      if (!rd.next(cells)) break;
    } catch (const error& e) {
      throw error(cli::exit_code::usage, csv::at_file(name, e.what()));
    }
    const std::size_t line_no = rd.line();
    std::string_view key = trim(cells[0]);
    if ((cells.size() == 1 && key.empty()) || (!key.empty() && key.front() == '#')) continue;
    bool may_be_header = first_row;
    first_row = false;
    if (cells.size() != 2) malformed(name, line_no, "expected payer_id,days");
    int d = 0;
    if (!parse_days(cells[1], d)) {
      // A header line such as "payer_id,days": no digits at all.
      if (may_be_header && (cells[0] + cells[1]).find_first_of("0123456789") == std::string::npos) continue;
      malformed(name, line_no, "days must be a positive whole number");
    }
    if (key.empty()) malformed(name, line_no, "empty payer_id");
    t.add(key, d);
  }
  return t;
}

filing_limits::match filing_limits::lookup(std::string_view payer_id, std::string_view payer_name) const {
  if (!payer_id.empty() && !by_id_.empty()) {
    auto it = by_id_.find(std::string(payer_id));
    if (it != by_id_.end()) return {it->second, true};
  }
  if (!payer_name.empty() && !by_name_.empty()) {
    std::string u = upper(payer_name);
    for (const auto& [frag, days] : by_name_) {
      if (u.find(frag) != std::string::npos) return {days, true};
    }
  }
  return {default_days_, false};
}

}  // namespace claimkit::age
