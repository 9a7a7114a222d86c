#include "auth/credentials.hpp"

#include <cstdlib>

#include <fmt/format.h>

#include "core/error.hpp"

namespace claimkit::auth {

const cli::config& credential_source::file() {
  if (!loaded_) {
    file_ = cli::config::load_default(explicit_path_);
    loaded_ = true;
  }
  return file_;
}

std::optional<std::string> credential_source::get(const char* env_name, std::string_view section,
                                                  std::string_view key) {
  if (const char* v = std::getenv(env_name); v != nullptr && *v != '\0') return std::string(v);
  return file().get(section, key);
}

std::string credential_source::require(const char* env_name, std::string_view section, std::string_view key) {
  if (auto v = get(env_name, section, key)) return *v;
  throw error(cli::exit_code::usage,
              fmt::format("no credential: set {} or `{}` in section [{}] of the config file", env_name, key, section));
}

}  // namespace claimkit::auth
