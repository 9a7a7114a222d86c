#include <doctest/doctest.h>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "query/control_number.hpp"

using namespace claimkit;
using namespace claimkit::query;

namespace {

struct temp_dir {
  std::string path;
  temp_dir() {
    char tmpl[] = "/tmp/claimkit-ctl.XXXXXX";
    REQUIRE(::mkdtemp(tmpl) != nullptr);
    path = tmpl;
  }
  ~temp_dir() { std::system(("rm -rf '" + path + "'").c_str()); }
};

std::string slurp(const std::string& p) {
  std::ifstream f(p);
  return std::string(std::istreambuf_iterator<char>(f), {});
}

}  // namespace

TEST_CASE("control_number: a new counter starts at 1 and counts up, mode 0600") {
  temp_dir d;
  std::string f = d.path + "/276.ctl";
  CHECK(peek_control_number(f) == 0);
  CHECK(next_control_number(f) == 1);
  CHECK(next_control_number(f) == 2);
  CHECK(peek_control_number(f) == 2);
  CHECK(slurp(f) == "2\n");
  struct stat st {};
  REQUIRE(::stat(f.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  // No temporary file is left beside the counter.
  CHECK(std::system(("test $(ls -A '" + d.path + "' | wc -l) = 1").c_str()) == 0);
}

TEST_CASE("control_number: continues from an existing value") {
  temp_dir d;
  std::string f = d.path + "/c";
  std::ofstream(f) << "41\n";
  CHECK(next_control_number(f) == 42);
}

TEST_CASE("control_number: a malformed or exhausted counter is refused, not reset") {
  temp_dir d;
  std::string f = d.path + "/c";
  std::ofstream(f) << "12x\n";
  CHECK_THROWS_WITH_AS(next_control_number(f), (f + ": control file does not hold a control number").c_str(),
                       claimkit::error);
  CHECK(slurp(f) == "12x\n");
  std::ofstream(f, std::ios::trunc) << "999999999\n";
  CHECK_THROWS_WITH_AS(next_control_number(f),
                       (f + ": control numbers exhausted (999999999 used); start a new control file").c_str(),
                       claimkit::error);
}

TEST_CASE("control_number: command-line numbers are 1-999999999") {
  std::uint64_t v = 0;
  CHECK(parse_control_number("1", v));
  CHECK(v == 1);
  CHECK(parse_control_number("999999999", v));
  CHECK_FALSE(parse_control_number("0", v));
  CHECK_FALSE(parse_control_number("1000000000", v));
  CHECK_FALSE(parse_control_number("-3", v));
  CHECK_FALSE(parse_control_number("", v));
  CHECK_FALSE(parse_control_number("12a", v));
}

TEST_CASE("control_number: concurrent processes never get the same number") {
  temp_dir d;
  std::string f = d.path + "/c";
  constexpr int kProcs = 4, kEach = 60;
  std::vector<std::string> outs;
  std::vector<pid_t> pids;
  for (int p = 0; p < kProcs; ++p) {
    outs.push_back(d.path + "/out" + std::to_string(p));
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      FILE* o = std::fopen(outs.back().c_str(), "w");
      int code = 0;
      try {
        for (int i = 0; i < kEach; ++i)
          std::fprintf(o, "%llu\n", static_cast<unsigned long long>(next_control_number(f)));
      } catch (...) {
        code = 1;
      }
      std::fclose(o);
      ::_exit(code);
    }
    pids.push_back(pid);
  }
  for (pid_t pid : pids) {
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
  }
  std::set<unsigned long long> seen;
  std::size_t total = 0;
  for (const auto& o : outs) {
    std::ifstream in(o);
    unsigned long long v = 0;
    while (in >> v) {
      seen.insert(v);
      ++total;
    }
  }
  CHECK(total == kProcs * kEach);
  CHECK(seen.size() == total);
  CHECK(*seen.begin() == 1);
  CHECK(*seen.rbegin() == kProcs * kEach);
  CHECK(peek_control_number(f) == kProcs * kEach);
}
