#pragma once
// Scratch directories for unit tests: made under TMPDIR (else /tmp) and
// removed when the test binary exits, so that test runs leave nothing behind.

#include <doctest/doctest.h>
#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

namespace claimkit_test {

inline std::string scratch_dir(const char* name) {
  struct registry {
    std::vector<std::string> dirs;
    ~registry() {
      for (const auto& d : dirs) {
        std::error_code ec;
        // Tests make some entries unreadable on purpose: give them back first.
        std::filesystem::permissions(d, std::filesystem::perms::owner_all, std::filesystem::perm_options::add, ec);
        for (auto it = std::filesystem::recursive_directory_iterator(d, ec);
             !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
          std::error_code ignored;
          if (it->is_directory(ignored) && !it->is_symlink(ignored)) {
            std::filesystem::permissions(it->path(), std::filesystem::perms::owner_all,
                                         std::filesystem::perm_options::add, ignored);
          }
        }
        std::filesystem::remove_all(d, ec);
      }
    }
  };
  static registry made;
  const char* base = std::getenv("TMPDIR");
  std::string tmpl = std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/" + name + ".XXXXXX";
  const char* d = ::mkdtemp(tmpl.data());
  REQUIRE(d != nullptr);
  made.dirs.emplace_back(d);
  return d;
}

}  // namespace claimkit_test
