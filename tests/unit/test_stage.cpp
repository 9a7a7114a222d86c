// Unit tests for io::stage (held output with rollback and spill to disk).
#include <doctest/doctest.h>

#include <unistd.h>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "io/output.hpp"
#include "io/stage.hpp"

using namespace claimkit;

namespace {
std::string slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}
}  // namespace

TEST_CASE("stage commits, rolls back to marks, and spills past its memory limit") {
  char name[] = "/tmp/claimkit-stage-XXXXXX";
  int fd = mkstemp(name);
  REQUIRE(fd >= 0);
  close(fd);
  {
    io::output out = io::output::create_private(name);
    io::stage st(out, 64);  // tiny limit: forces spills
    st.buffer() += "keep-1\n";
    st.record_done();
    std::uint64_t mark = st.mark();
    for (int i = 0; i < 50; ++i) {
      st.buffer() += "drop-" + std::to_string(i) + "\n";
      st.record_done();
    }
    st.rollback(mark);
    st.buffer() += "keep-2\n";
    st.record_done();
    st.commit();
    std::uint64_t m2 = st.mark();
    st.buffer() += "never\n";
    st.rollback(m2);
    st.commit();
    out.close();
  }
  CHECK(slurp(name) == "keep-1\nkeep-2\n");
  std::remove(name);
}
