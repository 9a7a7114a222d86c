#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace claimkit::http {

using clock = std::chrono::steady_clock;

struct header {
  std::string name;
  std::string value;
};

/// One HTTP exchange to make. The body is sent as is; set a Content-Type
/// header to match (set_json / set_form do both).
struct request {
  std::string method = "GET";
  std::string url;
  std::vector<header> headers;
  std::string body;
  /// Use a new connection and close it afterwards. libcurl resends a request
  /// on its own when a reused connection turns out dead; for a request that
  /// must not be made twice (a note), this leaves every resend to the caller.
  bool fresh_connection = false;
  /// HTTP Basic credentials; libcurl encodes them into the Authorization
  /// header (CURLOPT_USERNAME / CURLOPT_PASSWORD).
  struct basic_credentials {
    std::string user;
    std::string password;
  };
  std::optional<basic_credentials> basic;

  /// Replaces any header of that name (case-insensitive).
  void set_header(std::string_view name, std::string value);
  /// The value of a header, or empty.
  std::string_view header_value(std::string_view name) const;
  void set_json(std::string json_body);
  /// application/x-www-form-urlencoded body from name/value pairs.
  void set_form(const std::vector<std::pair<std::string, std::string>>& fields);
};

/// Percent-encodes name=value pairs joined by '&' (RFC 3986 unreserved kept).
std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields);

/// Why a transfer produced no usable HTTP response.
enum class failure {
  none,       // an HTTP response arrived (any status)
  connect,    // could not resolve or connect
  timeout,    // connect or total timeout passed
  dropped,    // connection closed or reset before a complete response
  tls,        // certificate or handshake problem: never retried
  refused,    // the request itself was refused locally (bad URL, protocol)
  too_large,  // the answer (decompressed) passed client_options::max_response_size
  other,
};
std::string_view failure_name(failure f);

struct response {
  long status = 0;  // 0 when no response arrived (kept when too_large cut the body)
  std::vector<header> headers;
  std::string body;
  /// The value of the last header of that name (case-insensitive), or empty.
  std::string_view header_value(std::string_view name) const;
};

/// What one request came to. `attempts` is filled by the retry layer
/// (1 for a single transfer).
struct result {
  response resp;
  failure fail = failure::none;
  std::string error;  // libcurl's description when fail != none; never holds request data
  int attempts = 1;
  double seconds = 0;  // duration of the last attempt
  /// The wait the server asked for with Retry-After (delay-seconds or an
  /// HTTP-date, as libcurl reads it: CURLINFO_RETRY_AFTER); 0 when none.
  std::chrono::seconds retry_after{0};
  bool ok() const { return fail == failure::none && resp.status >= 200 && resp.status < 300; }
};

/// A short description of an outcome for messages: "HTTP 503",
/// "timed out (<libcurl text>)". Never includes bodies.
std::string describe(const result& r);

/// The default cap on one response body, after decompression: 16 MiB. Claim
/// status answers and token answers are a few kilobytes.
inline constexpr std::uint64_t kDefaultMaxResponseSize = 16u << 20;

/// Reads a size for --max-response-size or a config value: bytes, or a
/// number with K, M or G (powers of 1024, an optional "iB" after them), at
/// least 1 KiB. Throws claimkit::error (usage) naming `what`.
std::uint64_t parse_size(std::string_view text, std::string_view what);

struct client_options {
  int jobs = 4;     // concurrent transfers at most
  double rate = 0;  // transfer starts per second at most; 0 = no cap
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds total_timeout{90'000};
  std::string cacert;      // extra CA bundle file (PEM); verification is always on
  std::string user_agent;  // default "claimkit/<version>"
  /// A response body longer than this (counted after Content-Encoding is
  /// undone, inside the write callback) ends the transfer as too_large.
  std::uint64_t max_response_size = kDefaultMaxResponseSize;
};

/// Refuses URLs the layer will not use: anything but https, except plain
/// http to a loopback host (test servers): an IPv4 literal in 127.0.0.0/8,
/// the IPv6 literal ::1, or exactly `localhost`. The host is read by
/// libcurl's own URL parser, the one the transfer uses. Throws
/// claimkit::error (usage).
void check_url(const std::string& url, std::string_view option_name);

/// Concurrent HTTP over one libcurl multi handle: at most `jobs` transfers in
/// flight, starts spaced to honour `rate`, connections kept and reused
/// between transfers, TLS peers always verified. Single-threaded: completion
/// callbacks run inside run() and may submit more work.
class client {
 public:
  using completion = std::function<void(result)>;

  explicit client(client_options opts);
  ~client();
  client(const client&) = delete;
  client& operator=(const client&) = delete;

  /// Queues a request; it starts no earlier than not_before. done is called
  /// exactly once, from run() (or from cancel_queued()).
  void submit(request req, completion done, clock::time_point not_before = {});
  /// Builds the request only when its transfer starts (so credentials are
  /// current). When make returns nothing, done gets failure::refused.
  using maker = std::function<std::optional<request>()>;
  void submit_lazy(maker make, completion done, clock::time_point not_before = {});
  /// Drives transfers until nothing is queued or in flight.
  void run();
  /// Fails every queued transfer that has not started yet (their completion
  /// gets failure::refused with error "cancelled"); transfers in flight go on.
  void cancel_queued();
  /// One blocking transfer outside the queue (used for token requests);
  /// does not count against `jobs` nor `rate`.
  result perform(const request& req);

  std::size_t queued() const;
  std::size_t in_flight() const;
  const client_options& options() const { return opts_; }

 private:
  struct impl;
  client_options opts_;
  std::unique_ptr<impl> impl_;
};

}  // namespace claimkit::http
