#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace claimkit::auth {

/// The claimkit config file: INI-style `[section]` headers and `key = value`
/// lines, `#` or `;` comments. It holds secrets, so load() refuses a file
/// that group or others may read or write (claimkit::error, usage) and a
/// missing or unreadable one (claimkit::error, io). Values are never put in
/// messages.
class config_file {
 public:
  config_file() = default;
  static config_file load(const std::string& path);
  /// The value of `key` in `section`, e.g. get("optum", "client_id").
  std::optional<std::string> get(std::string_view section, std::string_view key) const;
  const std::string& path() const { return path_; }
  bool empty() const { return values_.empty(); }

 private:
  std::string path_;
  std::map<std::string, std::string, std::less<>> values_;  // "section.key" -> value
};

/// $CLAIMKIT_CONFIG, else $XDG_CONFIG_HOME/claimkit/config, else
/// ~/.config/claimkit/config (the same file claim-query reads).
std::string default_config_path();

/// Looks a credential up: the environment variable first, then the config
/// file section/key. The file is loaded lazily, only when some credential is
/// not in the environment: `explicit_path` when given (must exist), else the
/// default path when it exists.
class credential_source {
 public:
  explicit credential_source(std::string explicit_path = {}) : explicit_path_(std::move(explicit_path)) {}
  std::optional<std::string> get(const char* env_name, std::string_view section, std::string_view key);
  /// Like get(), but throws claimkit::error (usage) naming the variable and
  /// config key when the credential is nowhere.
  std::string require(const char* env_name, std::string_view section, std::string_view key);

 private:
  const config_file* file();
  std::string explicit_path_;
  bool loaded_ = false;
  std::optional<config_file> file_;
};

}  // namespace claimkit::auth
