#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace claimkit::age {

/// Timely-filing windows: payer -> days from the date of service.
///
/// Rows are keyed by payer id; the key `default` is the window for payers
/// not listed, and a key `name:TEXT` matches payers whose name contains
/// TEXT (ASCII case-insensitive) when their id has no row. Files are CSV
/// (`payer_id,days` per line, optional header, `#` comments) or JSON (an
/// object `{"12345": 180, "default": 90}` or an array of
/// `{"payer_id": "12345", "days": 180}`).
class filing_limits {
 public:
  /// The built-in table: `default` 90 days (a common commercial window)
  /// and `name:MEDICARE` 365 days (Medicare: one calendar year from the
  /// date of service).
  static filing_limits builtin();
  /// Loads a file; JSON when the first non-blank byte is `{` or `[`.
  /// Throws claimkit::error: 3 when it cannot be read, 2 when malformed.
  static filing_limits load(const std::string& path);
  static filing_limits parse(std::string_view text, const std::string& display_name);

  struct match {
    int days = 0;
    bool listed = false;  // false: the default applied
  };
  match lookup(std::string_view payer_id, std::string_view payer_name) const;
  int default_days() const { return default_days_; }
  bool has_default_row() const { return has_default_; }
  /// True for a user-supplied table (unlisted payers are worth a warning).
  bool from_file() const { return from_file_; }

 private:
  void add(std::string_view key, int days);
  std::unordered_map<std::string, int> by_id_;
  std::vector<std::pair<std::string, int>> by_name_;  // upper-cased fragments
  int default_days_ = 90;
  bool has_default_ = false;
  bool from_file_ = false;
};

}  // namespace claimkit::age
