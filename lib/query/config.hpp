#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace claimkit::query {

/// The claim-query configuration file: identities, SFTP settings and API
/// credentials. INI-style text, `#` or `;` comments:
///
///   [sender]            id, qualifier, name, application_code, etin
///   [receiver]          id, qualifier, application_code
///   [build]             control_file, max_claims
///   [sftp]              identity, known_hosts
///   [optum] / [stedi]   API settings and credentials (read by `submit`)
///
/// Because it may hold secrets, a file that group or others can read or
/// write is refused. Error messages name the file and line, never a value.
class config {
 public:
  config() = default;

  /// Reads path. Throws claimkit::error: exit 3 when it cannot be read,
  /// exit 2 when its permissions are too open or a line is malformed.
  static config load(const std::string& path);
  /// Parses text as if read from name (no permission check); for tests.
  static config parse(std::string_view text, const std::string& name);
  /// explicit_path when not empty, else $CLAIMKIT_CONFIG, else
  /// $XDG_CONFIG_HOME/claimkit/config (default ~/.config/claimkit/config);
  /// only an explicitly named file must exist, otherwise an empty config.
  static config load_default(const std::string& explicit_path);

  /// The value of key in section, when set (an empty value counts as unset).
  std::optional<std::string> get(std::string_view section, std::string_view key) const;
  /// get() or fallback.
  std::string get_or(std::string_view section, std::string_view key, std::string_view fallback) const;
  /// The file it was read from; empty for an empty config.
  const std::string& path() const { return path_; }

 private:
  std::map<std::string, std::string, std::less<>> values_;  // "section.key" -> value
  std::string path_;
};

/// The default config path described at load_default (it may not exist).
std::string default_config_path();

/// Expands a leading "~/" with $HOME.
std::string expand_home(const std::string& path);

}  // namespace claimkit::query
