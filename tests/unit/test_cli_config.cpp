#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>
#include <cstdlib>
#include <fstream>
#include <string>

#include "auth/credentials.hpp"
#include "cli/config.hpp"
#include "core/error.hpp"

using namespace claimkit;
using namespace claimkit::cli;

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

TEST_CASE("config: sections, comments, quotes and defaults") {
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

TEST_CASE("config: malformed lines name the line, never the value") {
  CHECK_THROWS_WITH_AS(config::parse("[sender]\nthis line has a secret\n", "cfg"), "cfg:2: expected 'key = value'",
                       claimkit::error);
  CHECK_THROWS_WITH_AS(config::parse("id = x\n", "cfg"), "cfg:1: key outside of a [section]", claimkit::error);
  CHECK_THROWS_WITH_AS(config::parse("[sender\n", "cfg"), "cfg:1: section header must end with ']'", claimkit::error);
  CHECK_THROWS_WITH_AS(config::parse("[a]\nk = 1\nk = 2\n", "cfg"), "cfg:3: duplicate key 'k' in [a]", claimkit::error);
  CHECK_THROWS_WITH_AS(config::parse("[a]\nBad Key = 1\n", "cfg"),
                       "cfg:2: key must be lowercase letters, digits, '_', '-' or '.'", claimkit::error);
}

TEST_CASE("config: a file others can read is refused") {
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

TEST_CASE("config: a missing default file is an empty config, a named one an error") {
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

TEST_CASE("config: ~/ expands to HOME") {
  const char* home = std::getenv("HOME");
  if (home != nullptr) CHECK(expand_home("~/x/y") == std::string(home) + "/x/y");
  CHECK(expand_home("/abs/~/x") == "/abs/~/x");
}

TEST_CASE("config: only a regular file is read") {
  try {
    config::load("/tmp");
    FAIL("expected an error");
  } catch (const claimkit::error& e) {
    CHECK(e.code() == cli::exit_code::io);
    CHECK(std::string(e.what()) == "/tmp: config file is not a regular file");
  }
}

TEST_CASE("config: the command line wins over the file, the file over the fallback") {
  config c = config::parse("[sftp]\nidentity = ~/.ssh/id_claims\n", "cfg");
  CHECK(c.setting("", "sftp", "identity") == "~/.ssh/id_claims");
  CHECK(c.setting("/k", "sftp", "identity") == "/k");
  CHECK(c.setting("", "sftp", "known_hosts", "~/.ssh/known_hosts") == "~/.ssh/known_hosts");
  CHECK(c.setting("", "sftp", "inbox").empty());
}

TEST_CASE("config: the default path is CLAIMKIT_CONFIG, then an absolute XDG_CONFIG_HOME, then HOME") {
  std::string saved_home = std::getenv("HOME") != nullptr ? std::getenv("HOME") : "";
  ::setenv("HOME", "/home/biller", 1);
  ::setenv("CLAIMKIT_CONFIG", "/etc/ck.conf", 1);
  ::setenv("XDG_CONFIG_HOME", "/xdg", 1);
  CHECK(default_config_path() == "/etc/ck.conf");
  ::unsetenv("CLAIMKIT_CONFIG");
  CHECK(default_config_path() == "/xdg/claimkit/config");
  ::setenv("XDG_CONFIG_HOME", "relative/xdg", 1);  // the XDG specification says to ignore it
  CHECK(default_config_path() == "/home/biller/.config/claimkit/config");
  ::unsetenv("XDG_CONFIG_HOME");
  CHECK(default_config_path() == "/home/biller/.config/claimkit/config");
  if (saved_home.empty()) ::unsetenv("HOME");
  else ::setenv("HOME", saved_home.c_str(), 1);
}

TEST_CASE("config: credentials come from the environment first, then the file") {
  temp_file f("[athena]\nclient_id = from-file\nclient_secret = \"s e\"\n", 0600);
  ::unsetenv("CLAIMKIT_TEST_CLIENT_ID");
  auth::credential_source creds(f.path);
  CHECK(creds.require("CLAIMKIT_TEST_CLIENT_ID", "athena", "client_id") == "from-file");
  CHECK(creds.get("CLAIMKIT_TEST_CLIENT_SECRET", "athena", "client_secret") == std::optional<std::string>("s e"));
  ::setenv("CLAIMKIT_TEST_CLIENT_ID", "from-env", 1);
  CHECK(creds.require("CLAIMKIT_TEST_CLIENT_ID", "athena", "client_id") == "from-env");
  ::unsetenv("CLAIMKIT_TEST_CLIENT_ID");
  CHECK_THROWS_WITH_AS(creds.require("CLAIMKIT_TEST_NOPE", "athena", "practice_id"),
                       "no credential: set CLAIMKIT_TEST_NOPE or `practice_id` in section [athena] of the config file",
                       claimkit::error);
  // The same file syntax and messages as every other reader of it.
  temp_file bad("[athena]\nclient_id\n", 0600);
  auth::credential_source bad_creds(bad.path);
  const std::string want = bad.path + ":2: expected 'key = value'";
  CHECK_THROWS_WITH_AS(bad_creds.get("CLAIMKIT_TEST_NOPE", "athena", "client_id"), want.c_str(), claimkit::error);
  // Nothing is read while the environment has the answer.
  ::setenv("CLAIMKIT_TEST_CLIENT_ID", "from-env", 1);
  auth::credential_source lazy("/nonexistent/claimkit/config");
  CHECK(lazy.require("CLAIMKIT_TEST_CLIENT_ID", "athena", "client_id") == "from-env");
  ::unsetenv("CLAIMKIT_TEST_CLIENT_ID");
}
