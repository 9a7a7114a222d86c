#include "http/client.hpp"

#include <algorithm>
#include <cctype>
#include <deque>
#include <map>
#include <mutex>
#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <curl/curl.h>
#include <fmt/format.h>

#include "core/error.hpp"
#include "http/escape.hpp"

namespace claimkit::http {
namespace {

bool iequal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

failure classify_curl(CURLcode c) {
  switch (c) {
    case CURLE_OK: return failure::none;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT: return failure::connect;
    case CURLE_OPERATION_TIMEDOUT: return failure::timeout;
    case CURLE_GOT_NOTHING:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM: return failure::dropped;
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH: return failure::tls;
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT: return failure::refused;
    default: return failure::other;
  }
}

// Only literals and the one name that cannot leave the machine: a name that
// merely starts with "127." (127.0.0.1.example.net) is resolved by DNS.
bool is_loopback_host(const std::string& host) {
  if (host == "localhost") return true;
  in_addr v4{};
  if (::inet_pton(AF_INET, host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    std::string inner = host.substr(1, host.size() - 2);
    in6_addr v6{};
    return ::inet_pton(AF_INET6, inner.c_str(), &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
  }
  return false;
}

// One transfer: the easy handle and everything it points into.
struct transfer {
  CURL* easy = nullptr;
  request req;
  client::completion done;
  curl_slist* headers = nullptr;
  result res;
  char errbuf[CURL_ERROR_SIZE] = {};
  clock::time_point started;
  std::uint64_t max_body = kDefaultMaxResponseSize;
  bool too_large = false;
};

// libcurl hands over bodies after undoing Content-Encoding, so the cap holds
// for a small gzip answer that inflates to gigabytes: the transfer stops at
// the cap, in pieces of at most CURL_MAX_WRITE_SIZE.
size_t on_body(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<transfer*>(user);
  std::size_t len = size * n;
  if (len > t->max_body - std::min<std::uint64_t>(t->max_body, t->res.resp.body.size())) {
    t->too_large = true;
    return CURL_WRITEFUNC_ERROR;
  }
  t->res.resp.body.append(data, len);
  return len;
}

size_t on_header(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<transfer*>(user);
  std::string_view line(data, size * n);
  if (line.starts_with("HTTP/")) {
    // A new response (after 100-continue or a redirect): keep only its headers.
    t->res.resp.headers.clear();
    return size * n;
  }
  auto colon = line.find(':');
  if (colon != std::string_view::npos) {
    t->res.resp.headers.push_back(
        {std::string(trim(line.substr(0, colon))), std::string(trim(line.substr(colon + 1)))});
  }
  return size * n;
}

}  // namespace

std::string_view failure_name(failure f) {
  switch (f) {
    case failure::none: return "none";
    case failure::connect: return "connection failed";
    case failure::timeout: return "timed out";
    case failure::dropped: return "connection dropped";
    case failure::tls: return "tls failure";
    case failure::refused: return "refused";
    case failure::too_large: return "response too large";
    case failure::other: return "transfer failed";
  }
  return "transfer failed";
}

void request::set_header(std::string_view name, std::string value) {
  headers.erase(std::remove_if(headers.begin(), headers.end(), [&](const header& h) { return iequal(h.name, name); }),
                headers.end());
  headers.push_back({std::string(name), std::move(value)});
}

std::string describe(const result& r) {
  if (r.fail == failure::none) return fmt::format("HTTP {}", r.resp.status);
  if (r.fail == failure::too_large) return r.error;
  if (r.error.empty()) return std::string(failure_name(r.fail));
  return fmt::format("{} ({})", failure_name(r.fail), r.error);
}

std::string_view request::header_value(std::string_view name) const {
  for (const auto& h : headers) {
    if (iequal(h.name, name)) return h.value;
  }
  return {};
}

void request::set_json(std::string json_body) {
  body = std::move(json_body);
  set_header("Content-Type", "application/json");
}

void request::set_form(const std::vector<std::pair<std::string, std::string>>& fields) {
  body = form_encode(fields);
  set_header("Content-Type", "application/x-www-form-urlencoded");
}

std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out;
  for (const auto& [k, v] : fields) {
    if (!out.empty()) out.push_back('&');
    out += percent_encode(k);
    out.push_back('=');
    out += percent_encode(v);
  }
  return out;
}

std::string_view response::header_value(std::string_view name) const {
  for (auto it = headers.rbegin(); it != headers.rend(); ++it) {
    if (iequal(it->name, name)) return it->value;
  }
  return {};
}

std::uint64_t parse_size(std::string_view text, std::string_view what) {
  std::string_view t = text;
  std::uint64_t v = 0;
  std::size_t digits = 0;
  while (digits < t.size() && t[digits] >= '0' && t[digits] <= '9') {
    if (v > (std::uint64_t{1} << 40)) break;  // larger than any unit below allows
    v = v * 10 + static_cast<std::uint64_t>(t[digits] - '0');
    ++digits;
  }
  std::string_view unit = t.substr(digits);
  int shift = -1;
  if (unit.empty()) shift = 0;
  for (auto [name, s] : {std::pair{'K', 10}, std::pair{'M', 20}, std::pair{'G', 30}}) {
    if (!unit.empty() && (unit[0] == name || unit[0] == name + ('a' - 'A')) &&
        (unit.size() == 1 || unit.substr(1) == "iB" || unit.substr(1) == "B")) {
      shift = s;
    }
  }
  constexpr std::uint64_t kMax = std::uint64_t{64} << 30;  // a bound that still fits in memory checks
  if (digits == 0 || shift < 0 || v > (kMax >> shift) || (v << shift) < 1024) {
    throw error(cli::exit_code::usage, fmt::format("{}: expected a size from 1K to 64G, such as 16M or 1048576", what));
  }
  return v << shift;
}

void check_url(const std::string& url, std::string_view option_name) {
  std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> u(curl_url(), curl_url_cleanup);
  char* scheme = nullptr;
  char* host = nullptr;
  bool parsed = u && curl_url_set(u.get(), CURLUPART_URL, url.c_str(), 0) == CURLUE_OK &&
                curl_url_get(u.get(), CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
                curl_url_get(u.get(), CURLUPART_HOST, &host, 0) == CURLUE_OK;
  std::string sch = scheme != nullptr ? scheme : "";
  std::string h = host != nullptr ? host : "";
  curl_free(scheme);
  curl_free(host);
  // The URL must also start as written: libcurl guesses a scheme for "host/path".
  std::string_view given = url;
  if (parsed && sch == "https" && given.size() > 8 && iequal(given.substr(0, 8), "https://") && !h.empty()) return;
  if (parsed && sch == "http" && given.size() > 7 && iequal(given.substr(0, 7), "http://")) {
    if (is_loopback_host(h)) return;
    throw error(
        cli::exit_code::usage,
        fmt::format("{}: plain http is only allowed to a loopback host (127.0.0.0/8, ::1, localhost); use https",
                    option_name));
  }
  throw error(cli::exit_code::usage, fmt::format("{}: expected an https:// URL", option_name));
}

struct client::impl {
  struct pending {
    maker make;
    completion done;
    clock::time_point not_before;
    std::uint64_t seq;
  };

  CURLM* multi = nullptr;
  CURLSH* share = nullptr;
  std::deque<pending> queue;  // kept sorted by (not_before, seq)
  std::map<CURL*, std::unique_ptr<transfer>> active;
  std::vector<CURL*> idle_handles;  // reused so their connections and TLS sessions stay warm
  clock::time_point next_start{};
  std::uint64_t seq = 0;

  ~impl() {
    for (auto& [easy, t] : active) {
      curl_multi_remove_handle(multi, easy);
      curl_easy_cleanup(easy);
      curl_slist_free_all(t->headers);
    }
    for (CURL* e : idle_handles) curl_easy_cleanup(e);
    if (multi != nullptr) curl_multi_cleanup(multi);
    if (share != nullptr) curl_share_cleanup(share);
  }
};

client::client(client_options opts) : opts_(std::move(opts)), impl_(std::make_unique<impl>()) {
  global_init();
  if (opts_.jobs < 1) opts_.jobs = 1;
  if (opts_.user_agent.empty()) opts_.user_agent = std::string("claimkit/") + CLAIMKIT_VERSION;
  impl_->multi = curl_multi_init();
  impl_->share = curl_share_init();
  if (impl_->multi == nullptr || impl_->share == nullptr)
    throw error(cli::exit_code::internal, "cannot initialise libcurl");
  // perform() uses its own easy handle; sharing DNS and TLS sessions keeps it cheap.
  curl_share_setopt(impl_->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
  curl_share_setopt(impl_->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
  curl_multi_setopt(impl_->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, static_cast<long>(opts_.jobs));
  curl_multi_setopt(impl_->multi, CURLMOPT_MAXCONNECTS, static_cast<long>(opts_.jobs) + 2);
}

client::~client() = default;

namespace {

void setup_easy(CURL* easy, transfer& t, const client_options& o, CURLSH* share) {
  curl_easy_reset(easy);
  t.max_body = o.max_response_size;
  curl_easy_setopt(easy, CURLOPT_URL, t.req.url.c_str());
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!o.cacert.empty()) curl_easy_setopt(easy, CURLOPT_CAINFO, o.cacert.c_str());
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(o.connect_timeout.count()));
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(o.total_timeout.count()));
  curl_easy_setopt(easy, CURLOPT_USERAGENT, o.user_agent.c_str());
  curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "");
  // A declared length over the cap stops before the body; the write
  // callback holds the cap for chunked and compressed bodies.
  curl_easy_setopt(easy, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(o.max_response_size));
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, t.errbuf);
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(easy, CURLOPT_HEADERDATA, &t);
  if (share != nullptr) curl_easy_setopt(easy, CURLOPT_SHARE, share);
  if (t.req.fresh_connection) {
    curl_easy_setopt(easy, CURLOPT_FRESH_CONNECT, 1L);
    curl_easy_setopt(easy, CURLOPT_FORBID_REUSE, 1L);
  }
  if (t.req.method == "GET") {
    curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L);
  } else {
    if (t.req.method != "POST") curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, t.req.method.c_str());
    if (t.req.method == "POST" || !t.req.body.empty()) {
      curl_easy_setopt(easy, CURLOPT_POST, 1L);
      curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(t.req.body.size()));
      curl_easy_setopt(easy, CURLOPT_POSTFIELDS, t.req.body.data());
    }
  }
  if (t.req.basic) {
    // libcurl builds the Authorization header (RFC 7617) from these.
    curl_easy_setopt(easy, CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BASIC));
    curl_easy_setopt(easy, CURLOPT_USERNAME, t.req.basic->user.c_str());
    curl_easy_setopt(easy, CURLOPT_PASSWORD, t.req.basic->password.c_str());
  }
  // No "Expect: 100-continue" round trip: bodies are small.
  t.headers = curl_slist_append(t.headers, "Expect:");
  for (const auto& h : t.req.headers) {
    std::string line = h.name + ": " + h.value;
    t.headers = curl_slist_append(t.headers, line.c_str());
  }
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, t.headers);
}

void finish_transfer(CURL* easy, transfer& t, CURLcode code) {
  t.res.fail = classify_curl(code);
  curl_off_t wait = 0;
  if (curl_easy_getinfo(easy, CURLINFO_RETRY_AFTER, &wait) == CURLE_OK && wait > 0) {
    t.res.retry_after = std::chrono::seconds(wait);
  }
  if (t.too_large || code == CURLE_FILESIZE_EXCEEDED) {
    long status = 0;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
    t.res.fail = failure::too_large;
    t.res.resp.status = status;
    t.res.resp.body.clear();
    t.res.resp.body.shrink_to_fit();
    t.res.error = fmt::format("response too large: over {} bytes (--max-response-size)", t.max_body);
  } else if (t.res.fail == failure::none) {
    long status = 0;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
    t.res.resp.status = status;
  } else {
    t.res.resp.status = 0;
    t.res.error = t.errbuf[0] != '\0' ? t.errbuf : curl_easy_strerror(code);
    // libcurl's messages can name the URL's host; they never carry request bodies.
    while (!t.res.error.empty() && (t.res.error.back() == '\n' || t.res.error.back() == '.')) t.res.error.pop_back();
  }
  t.res.seconds = std::chrono::duration<double>(clock::now() - t.started).count();
}

}  // namespace

void client::submit(request req, completion done, clock::time_point not_before) {
  submit_lazy([r = std::move(req)]() mutable -> std::optional<request> { return std::move(r); }, std::move(done),
              not_before);
}

void client::submit_lazy(maker make, completion done, clock::time_point not_before) {
  impl::pending p{std::move(make), std::move(done), not_before, impl_->seq++};
  auto pos = std::upper_bound(impl_->queue.begin(), impl_->queue.end(), p, [](const auto& a, const auto& b) {
    return a.not_before < b.not_before || (a.not_before == b.not_before && a.seq < b.seq);
  });
  impl_->queue.insert(pos, std::move(p));
}

std::size_t client::queued() const { return impl_->queue.size(); }
std::size_t client::in_flight() const { return impl_->active.size(); }

void client::cancel_queued() {
  auto q = std::move(impl_->queue);
  impl_->queue.clear();
  for (auto& p : q) {
    result r;
    r.fail = failure::refused;
    r.error = "cancelled";
    p.done(std::move(r));
  }
}

void client::run() {
  auto& m = *impl_;
  const auto spacing =
      opts_.rate > 0 ? std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(1.0 / opts_.rate))
                     : clock::duration::zero();
  while (!m.queue.empty() || !m.active.empty()) {
    auto now = clock::now();
    // Start what the limits allow.
    while (!m.queue.empty() && m.active.size() < static_cast<std::size_t>(opts_.jobs) &&
           m.queue.front().not_before <= now && m.next_start <= now) {
      auto p = std::move(m.queue.front());
      m.queue.pop_front();
      std::optional<request> made = p.make();
      if (!made) {
        result r;
        r.fail = failure::refused;
        r.error = "not started";
        p.done(std::move(r));
        now = clock::now();
        continue;
      }
      auto t = std::make_unique<transfer>();
      t->req = std::move(*made);
      t->done = std::move(p.done);
      CURL* easy = nullptr;
      if (!m.idle_handles.empty()) {
        easy = m.idle_handles.back();
        m.idle_handles.pop_back();
      } else {
        easy = curl_easy_init();
        if (easy == nullptr) throw error(cli::exit_code::internal, "cannot create a transfer");
      }
      t->easy = easy;
      setup_easy(easy, *t, opts_, nullptr);
      t->started = now;
      curl_multi_add_handle(m.multi, easy);
      m.active.emplace(easy, std::move(t));
      if (spacing > clock::duration::zero()) {
        // Keep the average on schedule, but an idle spell earns no burst.
        auto next = m.next_start + spacing;
        m.next_start = next < now ? now + spacing : next;
      }
      if (m.next_start > now) break;
    }

    int running = 0;
    curl_multi_perform(m.multi, &running);
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(m.multi, &left)) {
      if (msg->msg != CURLMSG_DONE) continue;
      CURL* easy = msg->easy_handle;
      CURLcode code = msg->data.result;
      auto it = m.active.find(easy);
      if (it == m.active.end()) continue;
      std::unique_ptr<transfer> t = std::move(it->second);
      m.active.erase(it);
      curl_multi_remove_handle(m.multi, easy);
      finish_transfer(easy, *t, code);
      curl_slist_free_all(t->headers);
      t->headers = nullptr;
      m.idle_handles.push_back(easy);
      t->res.attempts = 1;
      t->done(std::move(t->res));
    }

    // Sleep until a socket is ready, a queued start becomes due, or libcurl's timer.
    if (m.queue.empty() && m.active.empty()) break;
    now = clock::now();
    long wait_ms = 100;
    if (!m.queue.empty() && m.active.size() < static_cast<std::size_t>(opts_.jobs)) {
      auto due = std::max(m.queue.front().not_before, m.next_start);
      auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(due - now).count();
      wait_ms = std::clamp<long>(static_cast<long>(ms), 0, 100);
    }
    if (m.active.empty()) {
      if (wait_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(wait_ms));
    } else {
      curl_multi_poll(m.multi, nullptr, 0, static_cast<int>(wait_ms), nullptr);
    }
  }
}

result client::perform(const request& req) {
  transfer t;
  t.req = req;
  CURL* easy = curl_easy_init();
  if (easy == nullptr) throw error(cli::exit_code::internal, "cannot create a transfer");
  setup_easy(easy, t, opts_, impl_->share);
  t.started = clock::now();
  CURLcode code = curl_easy_perform(easy);
  finish_transfer(easy, t, code);
  curl_slist_free_all(t.headers);
  curl_easy_cleanup(easy);
  return std::move(t.res);
}

}  // namespace claimkit::http
