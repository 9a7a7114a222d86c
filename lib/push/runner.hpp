#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "cli/tool.hpp"
#include "push/target.hpp"

namespace claimkit::push {

/// Options of the HTTP targets (athena, nextgen, http).
struct http_options {
  std::string base_url;       // --base-url
  std::string practice_id;    // --practice-id
  std::string enterprise_id;  // --enterprise-id (nextgen)
  std::string claim_pattern;  // --claim-pattern: regex whose group 1 is the PM claim id
  std::string note_path;      // --note-path (nextgen): path template under the base URL
  std::string site_id;        // --site-id (nextgen): the installation, sent in the token request
  std::string token_url;      // --token-url: the OAuth2 token endpoint (athena, nextgen)
  std::string config_path;    // --config
  std::string cacert;         // --cacert
  int jobs = 4;               // --jobs
  double rate = 0;            // --rate
  int max_attempts = 5;       // --max-attempts
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds total_timeout{60'000};
  std::chrono::milliseconds base_delay{500};
  std::chrono::milliseconds max_delay{30'000};
  std::uint64_t max_response_size = 0;  // --max-response-size; 0: [http] max_response_size, else 16 MiB
};

struct options {
  std::string to;               // --to: sqlite:PATH | athena | nextgen | http:URL
  std::string journal_path;     // --journal; empty: the target's journal::default_path
  std::string rejects_path;     // --rejects
  bool dry_run = false;         // --dry-run
  bool resend_unknown = false;  // --resend-unknown
  std::size_t batch_size = 500;
  http_options http;
  /// Called with a progress line (counts and rate only, never record
  /// values) at most every 200 ms, and with "" to clear it before a message
  /// or at the end. The command sets it only when stderr is a terminal.
  std::function<void(const std::string& line)> progress;
};

/// Builds the target named by o.to; claimkit::error (usage) when it is not one.
std::unique_ptr<target> make_target(const options& o);

/// Reads the inputs, pushes every claim_status, ack and batch_status record
/// to the target (or reports it skipped where it has no place) and
/// writes one push_result per record. Returns the exit code: 0, or 4/3 when
/// the target became unreachable (1 for failed records comes from the
/// reporter's count).
int run(cli::context& ctx, const options& o);
/// The same with a given target (tests use an in-memory one).
int run(cli::context& ctx, const options& o, std::unique_ptr<target> t);

}  // namespace claimkit::push
