#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.hpp"
#include "query/config.hpp"

using namespace claimkit;
using namespace claimkit::query;

namespace {

struct temp_file {
  std::string path;
  explicit temp_file(const std::string& text, mode_t mode) {
    char tmpl[] = "/tmp/claimkit-cfg.XXXXXX";
    int fd = ::mkstemp(tmpl);
    REQUIRE(fd >= 0);
    ::close(fd);
    path = tmpl;
    std::ofstream(path) << text;
    ::chmod(path.c_str(), mode);
  }
  ~temp_file() { ::unlink(path.c_str()); }
};

}  // namespace

TEST_CASE("query_config: sections, comments, quotes and defaults") {
  config c = config::parse(
      "# identities\n"
      "[sender]\n"
      "id = PRACTICE01\n"
      "name = \"VALLEY CLINIC\"   \n"
      "; empty values count as unset\n"
      "etin =\n"
      "\n"
      "[optum]\n"
      "client_secret=s3cr=t\n",
      "cfg");
  CHECK(c.get("sender", "id") == std::optional<std::string>("PRACTICE01"));
  CHECK(c.get("sender", "name") == std::optional<std::string>("VALLEY CLINIC"));
  CHECK_FALSE(c.get("sender", "etin").has_value());
  CHECK(c.get("optum", "client_secret") == std::optional<std::string>("s3cr=t"));
  CHECK_FALSE(c.get("receiver", "id").has_value());
  CHECK(c.get_or("sender", "qualifier", "ZZ") == "ZZ");
}

TEST_CASE("query_config: malformed lines name the line, never the value") {
  CHECK_THROWS_WITH_AS(config::parse("[sender]\nthis line has a secret\n", "cfg"), "cfg:2: expected 'key = value'",
                       claimkit::error);
  CHECK_THROWS_WITH_AS(config::parse("id = x\n", "cfg"), "cfg:1: key outside of a [section]", claimkit::error);
  CHECK_THROWS_WITH_AS(config::parse("[sender\n", "cfg"), "cfg:1: section header must end with ']'", claimkit::error);
  CHECK_THROWS_WITH_AS(config::parse("[a]\nk = 1\nk = 2\n", "cfg"), "cfg:3: duplicate key 'k' in [a]",
                       claimkit::error);
  CHECK_THROWS_WITH_AS(config::parse("[a]\nBad Key = 1\n", "cfg"),
                       "cfg:2: key must be lowercase letters, digits, '_', '-' or '.'", claimkit::error);
}

TEST_CASE("query_config: a file others can read is refused") {
  temp_file open_file("[sender]\nid = X\n", 0644);
  try {
    config::load(open_file.path);
    FAIL("expected an error");
  } catch (const claimkit::error& e) {
    CHECK(e.code() == cli::exit_code::usage);
    CHECK(std::string(e.what()) == open_file.path +
                                       ": config file is readable or writable by group or others (mode 0644); run "
                                       "chmod 600 on it");
  }
  temp_file group_writable("[sender]\nid = X\n", 0620);
  CHECK_THROWS_AS(config::load(group_writable.path), claimkit::error);
  temp_file private_file("[sender]\nid = X\n", 0600);
  CHECK(config::load(private_file.path).get("sender", "id") == std::optional<std::string>("X"));
  temp_file owner_only_ro("[sender]\nid = Y\n", 0400);
  CHECK(config::load(owner_only_ro.path).get("sender", "id") == std::optional<std::string>("Y"));
}

TEST_CASE("query_config: a missing default file is an empty config, a named one an error") {
  ::setenv("CLAIMKIT_CONFIG", "/nonexistent/claimkit/config", 1);
  CHECK(config::load_default("").path().empty());
  try {
    config::load_default("/nonexistent/claimkit/other");
    FAIL("expected an error");
  } catch (const claimkit::error& e) {
    CHECK(e.code() == cli::exit_code::io);
  }
  ::unsetenv("CLAIMKIT_CONFIG");
}

TEST_CASE("query_config: ~/ expands to HOME") {
  const char* home = std::getenv("HOME");
  if (home != nullptr) CHECK(expand_home("~/x/y") == std::string(home) + "/x/y");
  CHECK(expand_home("/abs/~/x") == "/abs/~/x");
}
