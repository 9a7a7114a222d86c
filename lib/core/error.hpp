#pragma once

#include <stdexcept>
#include <string>

#include "cli/exit_code.hpp"

namespace claimkit {

/// The one error type library code throws. The message must never carry
/// record values (they may be PHI): positions, counts and names only.
class error : public std::runtime_error {
 public:
  error(cli::exit_code code, const std::string& message) : std::runtime_error(message), code_(code) {}
  cli::exit_code code() const noexcept { return code_; }

 private:
  cli::exit_code code_;
};

/// Thrown when the downstream reader of stdout went away (EPIPE): the tool
/// stops quietly with exit 0, like any Unix filter.
class broken_pipe : public std::exception {
 public:
  const char* what() const noexcept override { return "broken pipe"; }
};

}  // namespace claimkit
