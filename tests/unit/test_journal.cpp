#include <doctest/doctest.h>

#include <cstdlib>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.hpp"
#include "journal/journal.hpp"

namespace {

std::string temp_dir() {
  char tmpl[] = "/tmp/claimkit-journal.XXXXXX";
  const char* d = ::mkdtemp(tmpl);
  REQUIRE(d != nullptr);
  return d;
}

struct env_guard {
  std::string name;
  std::string old;
  bool had;
  env_guard(const char* n, const char* v) : name(n) {
    const char* o = std::getenv(n);
    had = o != nullptr;
    if (had) old = o;
    if (v != nullptr) ::setenv(n, v, 1); else ::unsetenv(n);
  }
  ~env_guard() {
    if (had) ::setenv(name.c_str(), old.c_str(), 1); else ::unsetenv(name.c_str());
  }
};

}  // namespace

using claimkit::journal::state;

TEST_CASE("journal: marks survive reopening") {
  std::string path = temp_dir() + "/sub/dir/j.db";
  {
    claimkit::journal::journal j(path);
    CHECK(j.get("t", "k1") == state::none);
    j.mark_intent("t", {"k1", "k2"});
    j.mark_done("t", {"k1"}, 200);
    j.mark("t", "k3", state::failed, 400);
  }
  claimkit::journal::journal j(path);
  CHECK(j.get("t", "k1") == state::done);
  CHECK(j.get("t", "k2") == state::intent);
  CHECK(j.get("t", "k3") == state::failed);
  CHECK(j.get("other", "k1") == state::none);  // per target
}

TEST_CASE("journal: file 0600, new directories 0700") {
  std::string dir = temp_dir();
  std::string path = dir + "/state/claimkit/pm-push.journal";
  ::umask(022);
  { claimkit::journal::journal j(path); }
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  REQUIRE(::stat((dir + "/state/claimkit").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0700);
}

TEST_CASE("journal: read-only journal that does not exist is empty and not created") {
  std::string path = temp_dir() + "/none.journal";
  claimkit::journal::journal j(path, true);
  CHECK(j.get("t", "k") == state::none);
  CHECK(::access(path.c_str(), F_OK) != 0);
}

TEST_CASE("journal: default path follows XDG_STATE_HOME, then HOME") {
  {
    env_guard x("XDG_STATE_HOME", "/srv/state");
    CHECK(claimkit::journal::default_path() == "/srv/state/claimkit/pm-push.journal");
  }
  {
    env_guard x("XDG_STATE_HOME", "relative/ignored");
    env_guard h("HOME", "/home/biller");
    CHECK(claimkit::journal::default_path() == "/home/biller/.local/state/claimkit/pm-push.journal");
  }
  {
    env_guard x("XDG_STATE_HOME", nullptr);
    env_guard h("HOME", nullptr);
    try {
      claimkit::journal::default_path();
      FAIL("no error");
    } catch (const claimkit::error& e) {
      CHECK(std::string(e.what()) == "no journal location: set XDG_STATE_HOME or HOME, or give --journal");
    }
  }
}

TEST_CASE("journal: a second writer is refused while the first is open") {
  std::string path = temp_dir() + "/j.db";
  {
    claimkit::journal::journal first(path);
    try {
      claimkit::journal::journal second(path);
      FAIL("no error");
    } catch (const claimkit::error& e) {
      CHECK(std::string(e.what()) == "journal " + path + ": in use by another pm-push run");
      CHECK(e.code() == claimkit::cli::exit_code::io);
    }
    claimkit::journal::journal reader(path, true);  // a dry run may look
    CHECK(reader.get("t", "k") == state::none);
  }
  claimkit::journal::journal again(path);
}
