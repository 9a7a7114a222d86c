// Fuzzes the reader of the INI-style config file, cli::config: parsed from
// memory, and loaded from a private file as the tools do.
#include <fcntl.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "cli/config.hpp"
#include "core/error.hpp"

using namespace claimkit;

namespace {

const std::string& private_file() {
  static std::string path = [] {
    std::string p = "/tmp/claimkit-fuzz-config-" + std::to_string(::getpid());
    return p;
  }();
  return path;
}

void write_private(const std::uint8_t* data, std::size_t size) {
  int fd = ::open(private_file().c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) std::abort();
  std::size_t done = 0;
  while (done < size) {
    ssize_t n = ::write(fd, data + done, size - done);
    if (n <= 0) std::abort();
    done += static_cast<std::size_t>(n);
  }
  ::close(fd);
}

const char* const kKeys[][2] = {
    {"sender", "id"},     {"sender", "qualifier"}, {"receiver", "id"},   {"build", "max_claims"},
    {"sftp", "identity"}, {"optum", "client_id"},  {"stedi", "api_key"}, {"", ""},
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    cli::config c = cli::config::parse(text, "config");
    for (const auto& k : kKeys) {
      (void)c.get(k[0], k[1]);
      (void)c.get_or(k[0], k[1], "x");
    }
  } catch (const error& e) {
    if (e.code() != cli::exit_code::usage) std::abort();
  }
  write_private(data, size);
  try {
    cli::config f = cli::config::load(private_file());
    for (const auto& k : kKeys) (void)f.setting("", k[0], k[1]);
  } catch (const error& e) {
    if (e.code() != cli::exit_code::usage) std::abort();
  }
  return 0;
}
