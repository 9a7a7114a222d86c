#include "csv/claims.hpp"

#include <fmt/format.h>
#include <algorithm>

#include "core/error.hpp"
#include "dates/civil.hpp"
#include "json/writer.hpp"

namespace claimkit::csv {

namespace {

const std::vector<std::string_view> fields = {"claim_id",
                                              "payer_id",
                                              "payer_name",
                                              "payer_claim_id",
                                              "bill_type",
                                              "service_from",
                                              "service_to",
                                              "billed_amount",
                                              "paid_amount",
                                              "submitted_date",
                                              "last_checked",
                                              "state",
                                              "provider.npi",
                                              "provider.tax_id",
                                              "provider.name",
                                              "subscriber.member_id",
                                              "subscriber.first_name",
                                              "subscriber.last_name",
                                              "subscriber.dob",
                                              "subscriber.gender",
                                              "subscriber.group_number",
                                              "patient.first_name",
                                              "patient.last_name",
                                              "patient.dob",
                                              "patient.gender"};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool is_field(std::string_view f) { return std::find(fields.begin(), fields.end(), f) != fields.end(); }

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool is_amount_field(std::string_view f) { return f == "billed_amount" || f == "paid_amount"; }

bool is_date_field(std::string_view f) {
  return f == "service_from" || f == "service_to" || f == "submitted_date" || f == "last_checked" ||
         ends_with(f, ".dob");
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

void append_value(std::string& out, std::string_view field, std::string_view v) {
  if (is_amount_field(field)) {
    std::string digits;
    for (char c : v) {
      if (c != '$' && c != ',' && c != ' ') digits.push_back(c);
    }
    if (all_digits(digits.substr(0, digits.find('.'))) && json::append_decimal(out, digits)) return;
    json::append_string(out, v);
    return;
  }
  if (is_date_field(field)) {
    json::append_string(out, dates::us_to_iso(v));
    return;
  }
  json::append_string(out, v);
}

}  // namespace

const std::vector<std::string_view>& claim_fields() { return fields; }

column_map parse_columns(std::string_view spec) {
  column_map out;
  std::size_t item = 0;
  while (!spec.empty()) {
    ++item;
    auto comma = spec.find(',');
    std::string_view part = spec.substr(0, comma);
    spec = comma == std::string_view::npos ? std::string_view{} : spec.substr(comma + 1);
    auto eq = part.find('=');
    if (eq == std::string_view::npos) {
      throw error(cli::exit_code::usage, fmt::format("--columns: item {}: expected FIELD=HEADER", item));
    }
    auto field = trim(part.substr(0, eq));
    auto header = trim(part.substr(eq + 1));
    if (field.empty() || header.empty()) {
      throw error(cli::exit_code::usage, fmt::format("--columns: item {}: empty field or header", item));
    }
    if (!is_field(field)) {
      throw error(cli::exit_code::usage, fmt::format("--columns: item {}: {} is not a claim field", item, field));
    }
    out.emplace_back(std::string(field), std::string(header));
  }
  return out;
}

claim_mapper::claim_mapper(const std::vector<std::string>& header, const column_map& columns) {
  field_of_column_.resize(header.size());
  std::vector<bool> found(columns.size(), false);
  bool has_claim_id = false;
  for (std::size_t i = 0; i < header.size(); ++i) {
    std::string h = lower(trim(header[i]));
    std::string field;
    for (std::size_t k = 0; k < columns.size(); ++k) {
      if (lower(columns[k].second) == h) {
        field = columns[k].first;
        found[k] = true;
      }
    }
    // A header named like a field fills it, unless the mapping gave that
    // field another column.
    if (field.empty() && is_field(h) &&
        std::none_of(columns.begin(), columns.end(), [&](const auto& c) { return c.first == h; })) {
      field = h;
    }
    if (field.empty()) ++unmapped_;
    if (field == "claim_id") has_claim_id = true;
    field_of_column_[i] = std::move(field);
  }
  for (std::size_t k = 0; k < columns.size(); ++k) {
    if (!found[k]) {
      throw error(cli::exit_code::usage, fmt::format("line 1: no column named in --columns for {}", columns[k].first));
    }
  }
  if (!has_claim_id) {
    throw error(cli::exit_code::usage, "line 1: no claim_id column (map one with --columns claim_id=HEADER)");
  }
}

std::string claim_mapper::to_ndjson(const std::vector<std::string>& row) const {
  std::string out = "{\"type\":\"claim\"";
  std::vector<std::pair<std::string_view, std::string>> nested;  // parent -> members text
  for (std::size_t i = 0; i < row.size() && i < field_of_column_.size(); ++i) {
    std::string_view field = field_of_column_[i];
    std::string_view v = trim(row[i]);
    if (field.empty() || v.empty()) continue;
    auto dot = field.find('.');
    if (dot == std::string_view::npos) {
      out += ",\"";
      out += field;
      out += "\":";
      append_value(out, field, v);
      continue;
    }
    auto parent = field.substr(0, dot);
    auto it = std::find_if(nested.begin(), nested.end(), [&](const auto& p) { return p.first == parent; });
    if (it == nested.end()) {
      nested.emplace_back(parent, std::string());
      it = std::prev(nested.end());
    } else {
      it->second.push_back(',');
    }
    it->second += '"';
    it->second += field.substr(dot + 1);
    it->second += "\":";
    append_value(it->second, field, v);
  }
  for (const auto& [parent, members] : nested) {
    out += ",\"";
    out += parent;
    out += "\":{";
    out += members;
    out += '}';
  }
  out += '}';
  return out;
}

}  // namespace claimkit::csv
