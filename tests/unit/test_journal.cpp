#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>
#include <cstdlib>
#include <string>

#include "core/error.hpp"
#include "journal/journal.hpp"
#include "scratch_dir.hpp"

namespace {

std::string temp_dir() { return claimkit_test::scratch_dir("claimkit-journal"); }

struct env_guard {
  std::string name;
  std::string old;
  bool had;
  env_guard(const char* n, const char* v) : name(n) {
    const char* o = std::getenv(n);
    had = o != nullptr;
    if (had) old = o;
    if (v != nullptr) ::setenv(n, v, 1);
    else ::unsetenv(n);
  }
  ~env_guard() {
    if (had) ::setenv(name.c_str(), old.c_str(), 1);
    else ::unsetenv(name.c_str());
  }
};

}  // namespace

using claimkit::journal::state;

TEST_CASE("journal: marks survive reopening") {
  std::string path = temp_dir() + "/sub/dir/j.db";
  {
    claimkit::journal::file_journal j(path);
    CHECK(j.get("t", "k1") == state::none);
    j.mark_intent("t", {"k1", "k2"});
    j.mark_done("t", {"k1"}, 200);
    j.mark("t", "k3", state::failed, 400);
  }
  claimkit::journal::file_journal j(path);
  CHECK(j.get("t", "k1") == state::done);
  CHECK(j.get("t", "k2") == state::intent);
  CHECK(j.get("t", "k3") == state::failed);
  CHECK(j.get("other", "k1") == state::none);  // per target
}

TEST_CASE("journal: file 0600, new directories 0700") {
  std::string dir = temp_dir();
  std::string path = dir + "/state/claimkit/pm-push.journal";
  ::umask(022);
  { claimkit::journal::file_journal j(path); }
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  REQUIRE(::stat((dir + "/state/claimkit").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0700);
}

TEST_CASE("journal: read-only journal that does not exist is empty and not created") {
  std::string path = temp_dir() + "/none.journal";
  claimkit::journal::file_journal j(path, true);
  CHECK(j.get("t", "k") == state::none);
  CHECK(::access(path.c_str(), F_OK) != 0);
}

TEST_CASE("journal: default path follows XDG_STATE_HOME, then HOME, one file per target") {
  using claimkit::journal::default_path;
  {
    env_guard x("XDG_STATE_HOME", "/srv/state");
    CHECK(claimkit::journal::default_dir() == "/srv/state/claimkit/journal");
    std::string p = default_path("athena", "athena:https://api.example.org/v1/195900");
    CHECK(p.rfind("/srv/state/claimkit/journal/athena-", 0) == 0);
    CHECK(p.size() == std::string("/srv/state/claimkit/journal/athena-").size() + 32 + 8);
    CHECK(p.substr(p.size() - 8) == ".journal");
    // The name earlier releases gave this target: existing journals must still be found.
    CHECK(p == "/srv/state/claimkit/journal/athena-e1e71618fab3c65d2c62865f7901f13f.journal");
    // Same identity, same file; another practice, base URL or kind, another.
    CHECK(default_path("athena", "athena:https://api.example.org/v1/195900") == p);
    CHECK(default_path("athena", "athena:https://api.example.org/v1/195901") != p);
    CHECK(default_path("athena", "athena:https://preview.example.org/v1/195900") != p);
    CHECK(default_path("http", "athena:https://api.example.org/v1/195900").find("/http-") != std::string::npos);
  }
  {
    env_guard x("XDG_STATE_HOME", "relative/ignored");
    env_guard h("HOME", "/home/biller");
    CHECK(default_path("sqlite", "sqlite:/srv/l.db").rfind("/home/biller/.local/state/claimkit/journal/sqlite-", 0) ==
          0);
  }
  {
    env_guard x("XDG_STATE_HOME", nullptr);
    env_guard h("HOME", nullptr);
    try {
      default_path("sqlite", "sqlite:/srv/l.db");
      FAIL("no error");
    } catch (const claimkit::error& e) {
      CHECK(std::string(e.what()) == "no journal location: set XDG_STATE_HOME or HOME, or give --journal");
    }
  }
}

TEST_CASE("journal: a symbolic link or another user's file in place of the journal is refused") {
  std::string dir = temp_dir();
  std::string real = dir + "/real.journal";
  { claimkit::journal::file_journal j(real); }
  std::string link = dir + "/link.journal";
  REQUIRE(::symlink(real.c_str(), link.c_str()) == 0);
  for (bool ro : {false, true}) {
    try {
      claimkit::journal::file_journal j(link, ro);
      FAIL("no error");
    } catch (const claimkit::error& e) {
      CHECK(std::string(e.what()) == "journal " + link + ": is a symbolic link; refused");
      CHECK(e.code() == claimkit::cli::exit_code::io);
    }
  }
  // A lock file planted as a link (to a file the attacker wants clobbered).
  REQUIRE(::symlink(real.c_str(), (dir + "/other.journal.lock").c_str()) == 0);
  try {
    claimkit::journal::file_journal j(dir + "/other.journal");
    FAIL("no error");
  } catch (const claimkit::error& e) {
    CHECK(std::string(e.what()) == "journal lock " + dir + "/other.journal.lock: is a symbolic link; refused");
  }
  // A directory in place of the file.
  REQUIRE(::mkdir((dir + "/dir.journal").c_str(), 0700) == 0);
  CHECK_THROWS_AS(claimkit::journal::file_journal(dir + "/dir.journal"), claimkit::error);
  // Owned by another user: only root can make one; /etc/passwd is root's.
  if (::geteuid() != 0) {
    try {
      claimkit::journal::file_journal j("/etc/passwd", true);
      FAIL("no error");
    } catch (const claimkit::error& e) {
      CHECK(std::string(e.what()) == "journal /etc/passwd: owned by another user; refused");
    }
  }
}

TEST_CASE("journal: the default directory may not be a link or another user's") {
  std::string dir = temp_dir();
  env_guard x("XDG_STATE_HOME", dir.c_str());
  claimkit::journal::check_default_dir();  // nothing there yet: fine
  std::string elsewhere = temp_dir();
  REQUIRE(::symlink(elsewhere.c_str(), (dir + "/claimkit").c_str()) == 0);
  try {
    claimkit::journal::check_default_dir();
    FAIL("no error");
  } catch (const claimkit::error& e) {
    CHECK(std::string(e.what()) == "journal directory " + dir + "/claimkit: is a symbolic link; refused");
    CHECK(e.code() == claimkit::cli::exit_code::io);
  }
  REQUIRE(::unlink((dir + "/claimkit").c_str()) == 0);
  REQUIRE(::mkdir((dir + "/claimkit").c_str(), 0700) == 0);
  REQUIRE(::symlink(elsewhere.c_str(), (dir + "/claimkit/journal").c_str()) == 0);
  CHECK_THROWS_AS(claimkit::journal::check_default_dir(), claimkit::error);
}

TEST_CASE("journal: a second writer is refused while the first is open") {
  std::string path = temp_dir() + "/j.db";
  {
    claimkit::journal::file_journal first(path);
    try {
      claimkit::journal::file_journal second(path);
      FAIL("no error");
    } catch (const claimkit::error& e) {
      CHECK(std::string(e.what()) == "journal " + path + ": in use by another pm-push run");
      CHECK(e.code() == claimkit::cli::exit_code::io);
    }
    claimkit::journal::file_journal reader(path, true);  // a dry run may look
    CHECK(reader.get("t", "k") == state::none);
  }
  claimkit::journal::file_journal again(path);
}
