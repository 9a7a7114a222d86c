#include "codes/tables.hpp"

#include <dirent.h>
#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "core/error.hpp"
#include "csv/reader.hpp"
#include "json/writer.hpp"

namespace claimkit::codes {
namespace {

#include "codes/labels.inc"

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string_view list_name(list l) {
  switch (l) {
    case list::category: return "claim status category code";
    case list::status: return "claim status code";
    case list::entity: return "entity identifier code";
  }
  return "code";
}

std::span<const entry> builtin(list l) {
  switch (l) {
    case list::category: return kCategory;
    case list::status: return kStatus;
    case list::entity: return kEntity;
  }
  return {};
}

tables::tables() {
  for (list l : {list::category, list::status, list::entity}) {
    auto& m = maps_[static_cast<int>(l)];
    m.slots.assign(2048, slot{});
    for (const entry& e : builtin(l)) {
      owned_.emplace_back();
      json::append_string(owned_.back(), e.label);
      put(l, key_of(e.code), e.label, owned_.back());
    }
  }
}

void tables::put(list l, std::uint64_t key, std::string_view label, std::string_view json) {
  if (key == 0) return;
  auto& m = maps_[static_cast<int>(l)];
  if ((m.count + 1) * 2 > m.slots.size()) {
    // Keep the table at most half full so probes stay short.
    std::vector<slot> old(m.slots.size() * 2);
    old.swap(m.slots);
    m.count = 0;
    for (const slot& s : old) {
      if (s.key != 0) put(l, s.key, s.label, s.json);
    }
  }
  std::size_t mask = m.slots.size() - 1;
  for (std::size_t i = hash(key) & mask;; i = (i + 1) & mask) {
    slot& s = m.slots[i];
    if (s.key == key) {
      s.label = label;
      s.json = json;
      return;
    }
    if (s.key == 0) {
      s.key = key;
      s.label = label;
      s.json = json;
      ++m.count;
      return;
    }
  }
}

void tables::set(list l, std::string_view code, std::string_view label) {
  if (label.empty()) return;
  owned_.emplace_back(label);
  std::string_view text = owned_.back();
  owned_.emplace_back();
  json::append_string(owned_.back(), text);
  put(l, key_of(code), text, owned_.back());
}

std::size_t tables::load_csv(list l, std::string_view text) {
  std::istringstream in{std::string(text)};
  return load_csv(l, in);
}

std::size_t tables::load_csv(list l, std::istream& in) {
  csv::reader rd(in);
  std::vector<std::string> row;
  std::size_t code_col = 0, text_col = 1;
  std::size_t loaded = 0;
  bool first = true;
  while (rd.next(row)) {
    if (first) {
      first = false;
      bool header = false;
      for (std::size_t i = 0; i < row.size(); ++i) {
        std::string h = lower(trim(row[i]));
        if (h == "code" || h == "code value") {
          code_col = i;
          header = true;
        } else if (h == "description" || h == "name" || h == "label" || h == "definition") {
          text_col = i;
          header = true;
        }
      }
      if (header) continue;
    }
    if (row.size() <= std::max(code_col, text_col)) continue;
    std::string_view code = trim(row[code_col]);
    std::string_view label = trim(row[text_col]);
    if (code.empty() || label.empty() || key_of(code) == 0) continue;
    set(l, code, label);
    ++loaded;
  }
  return loaded;
}

bool tables::list_for_file(std::string_view file_name, list& out) {
  std::string n = lower(file_name);
  if (n.size() < 4 || n.substr(n.size() - 4) != ".csv") return false;
  if (n.find("category") != std::string::npos || n.find("507") != std::string::npos) {
    out = list::category;
    return true;
  }
  if (n.find("entity") != std::string::npos || n.find("_98") != std::string::npos) {
    out = list::entity;
    return true;
  }
  if (n.find("status") != std::string::npos || n.find("508") != std::string::npos) {
    out = list::status;
    return true;
  }
  return false;
}

std::size_t tables::load_dir(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) throw error(cli::exit_code::io, fmt::format("{}: cannot open code list directory", dir));
  std::vector<std::string> names;
  while (dirent* e = ::readdir(d)) names.emplace_back(e->d_name);
  ::closedir(d);
  // A fixed order, so that when two files hold the same code the result
  // does not depend on the file system.
  std::sort(names.begin(), names.end());
  std::size_t files = 0, loaded = 0;
  for (const auto& name : names) {
    list l;
    if (!list_for_file(name, l)) continue;
    std::string path = dir + "/" + name;
    std::ifstream in(path, std::ios::binary);
    if (!in) throw error(cli::exit_code::io, fmt::format("{}: cannot read code list", path));
    try {
      loaded += load_csv(l, in);
    } catch (const error& e) {
      throw error(cli::exit_code::usage, csv::at_file(path, e.what()));
    }
    if (in.bad()) throw error(cli::exit_code::io, fmt::format("{}: cannot read code list", path));
    ++files;
  }
  if (files == 0) {
    throw error(cli::exit_code::usage,
                fmt::format("{}: no code list CSV files (names with 507/category, 508/status or entity)", dir));
  }
  return loaded;
}

}  // namespace claimkit::codes
