#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "cli/config.hpp"

namespace claimkit::auth {

/// Looks a credential up: the environment variable first, then the config
/// file section/key (cli::config). The file is loaded lazily, only when some
/// credential is not in the environment: `explicit_path` when given (must
/// exist), else the default path when it exists.
class credential_source {
 public:
  explicit credential_source(std::string explicit_path = {}) : explicit_path_(std::move(explicit_path)) {}
  /// Over a config file already loaded.
  explicit credential_source(cli::config loaded) : loaded_(true), file_(std::move(loaded)) {}
  std::optional<std::string> get(const char* env_name, std::string_view section, std::string_view key);
  /// Like get(), but throws claimkit::error (usage) naming the variable and
  /// config key when the credential is nowhere.
  std::string require(const char* env_name, std::string_view section, std::string_view key);

 private:
  const cli::config& file();
  std::string explicit_path_;
  bool loaded_ = false;
  cli::config file_;
};

}  // namespace claimkit::auth
