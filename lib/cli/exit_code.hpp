#pragma once

namespace claimkit::cli {

/// The exit-code table every tool shares (see claimkit(7)).
enum class exit_code : int {
  ok = 0,        // success, --help, --version, closed downstream pipe
  rejected = 1,  // ran to the end, some records rejected
  usage = 2,     // bad option or argument, nothing read
  io = 3,        // cannot open/read an input or write an output
  remote = 4,    // service unreachable, auth refused, retries exhausted
  internal = 5,  // a bug
  interrupted = 130,
};

constexpr int to_int(exit_code c) { return static_cast<int>(c); }

}  // namespace claimkit::cli
