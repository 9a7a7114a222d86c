#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace claimkit::cli {

/// The claimkit configuration file, read by every tool that takes --config
/// (claim-query and its send/fetch, pm-push): identities, SFTP settings and API
/// credentials. INI-style text, `#` or `;` comments:
///
///   [sender]            id, qualifier, name, application_code, etin
///   [receiver]          id, qualifier, application_code
///   [build]             control_file, max_claims
///   [sftp]              identity, known_hosts, send_to, fetch_from, ...
///   [http]              max_response_size
///   [optum] / [stedi] / [athena] / [nextgen]   API settings and credentials
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
  /// explicit_path when not empty (a leading "~/" expanded), else
  /// default_config_path(); only an explicitly named file must exist,
  /// otherwise an empty config.
  static config load_default(const std::string& explicit_path);

  /// The value of key in section, when set (an empty value counts as unset).
  std::optional<std::string> get(std::string_view section, std::string_view key) const;
  /// get() or fallback.
  std::string get_or(std::string_view section, std::string_view key, std::string_view fallback) const;
  /// option when not empty (the command line wins), else get_or().
  std::string setting(const std::string& option, std::string_view section, std::string_view key,
                      std::string_view fallback = {}) const;
  /// The file it was read from; empty for an empty config.
  const std::string& path() const { return path_; }

 private:
  std::map<std::string, std::string, std::less<>> values_;  // "section.key" -> value
  std::string path_;
};

/// $CLAIMKIT_CONFIG, else $XDG_CONFIG_HOME/claimkit/config (an absolute
/// $XDG_CONFIG_HOME only, as the XDG base directory specification asks),
/// else ~/.config/claimkit/config; empty when none can be named. The file
/// may not exist.
std::string default_config_path();

/// Expands a leading "~/" with $HOME.
std::string expand_home(const std::string& path);

}  // namespace claimkit::cli
