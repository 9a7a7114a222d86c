#include <doctest/doctest.h>

#include <string>

#include "core/error.hpp"
#include "http/client.hpp"
#include "http/escape.hpp"

using namespace claimkit::http;

TEST_CASE("http: form bodies are percent-encoded") {
  CHECK(form_encode({{"grant_type", "client_credentials"}, {"client_id", "a b&c=d"}}) ==
        "grant_type=client_credentials&client_id=a%20b%26c%3Dd");
  CHECK(form_encode({{"notetext", "paid 80.00 - ok~_"}}) == "notetext=paid%2080.00%20-%20ok~_");
  CHECK(form_encode({{"k", "\xc3\xa9"}}) == "k=%C3%A9");
  CHECK(form_encode({}).empty());
  request r;
  r.set_form({{"a", "1"}});
  CHECK(r.body == "a=1");
  CHECK(r.header_value("content-type") == "application/x-www-form-urlencoded");
}

TEST_CASE("http: percent encoding keeps only the RFC 3986 unreserved characters") {
  CHECK(percent_encode("AZaz09-._~") == "AZaz09-._~");
  CHECK(percent_encode("a/b c?d#e%f+g") == "a%2Fb%20c%3Fd%23e%25f%2Bg");
  CHECK(percent_encode(std::string("\0\x7f\xff", 3)) == "%00%7F%FF");
  CHECK(percent_encode("").empty());
  CHECK(percent_decode("a%2Fb%20c+d%7e") == std::optional<std::string>("a/b c+d~"));
  CHECK(percent_decode(std::string_view("%00x", 4)) == std::optional<std::string>(std::string("\0x", 2)));
  CHECK(percent_decode("") == std::optional<std::string>(""));
  CHECK_FALSE(percent_decode("50%").has_value());
  CHECK_FALSE(percent_decode("%4").has_value());
  CHECK_FALSE(percent_decode("%zz").has_value());
  for (int c = 0; c < 256; ++c) {
    std::string one(1, static_cast<char>(c));
    CHECK(percent_decode(percent_encode(one)) == std::optional<std::string>(one));
  }
}

TEST_CASE("http: headers are replaced case-insensitively") {
  request r;
  r.set_header("Authorization", "Bearer one");
  r.set_header("authorization", "Bearer two");
  REQUIRE(r.headers.size() == 1);
  CHECK(r.header_value("AUTHORIZATION") == "Bearer two");
  r.set_json("{}");
  CHECK(r.header_value("Content-Type") == "application/json");
  response resp;
  resp.headers = {{"Retry-After", "5"}, {"retry-after", "7"}};
  CHECK(resp.header_value("RETRY-AFTER") == "7");
  CHECK(resp.header_value("Date").empty());
}

TEST_CASE("http: only https, or plain http to a loopback test server") {
  CHECK_NOTHROW(check_url("https://apigw.changehealthcare.com/medicalnetwork/claimstatus/v2/", "--url"));
  CHECK_NOTHROW(check_url("http://127.0.0.1:8080/claimstatus", "--url"));
  CHECK_NOTHROW(check_url("http://localhost/x", "--url"));
  CHECK_NOTHROW(check_url("http://[::1]:9/x", "--url"));
  try {
    check_url("http://example.com/x", "--url");
    FAIL("accepted plain http to a remote host");
  } catch (const claimkit::error& e) {
    CHECK(std::string(e.what()) ==
          "--url: plain http is only allowed to a loopback host (127.0.0.0/8, ::1, localhost); use https");
    CHECK(e.code() == claimkit::cli::exit_code::usage);
  }
  // A loopback name in the user part does not make a remote host local.
  CHECK_THROWS_AS(check_url("http://127.0.0.1@example.com/x", "--url"), claimkit::error);
  // Loopback is an IP literal in 127.0.0.0/8, ::1, or exactly localhost: a
  // DNS name that starts like one resolves wherever its owner points it
  // (regression: any host starting with "127." got plain http, secrets too).
  CHECK_NOTHROW(check_url("http://127.45.0.9:81/x", "--url"));
  CHECK_NOTHROW(check_url("http://[0:0:0:0:0:0:0:1]/x", "--url"));
  for (const char* bad : {"http://127.0.0.1.evil.example/token", "http://127.0.0.1.nip.io/", "http://127.evil/",
                          "http://localhost.evil.example/", "http://128.0.0.1/", "http://[::2]/",
                          "http://evil.example#@127.0.0.1/", "http://0x7f000001.evil/"}) {
    CAPTURE(std::string(bad));
    CHECK_THROWS_AS(check_url(bad, "--token-url"), claimkit::error);
  }
  try {
    check_url("ftp://example.com/x", "--token-url");
    FAIL("accepted ftp");
  } catch (const claimkit::error& e) {
    CHECK(std::string(e.what()) == "--token-url: expected an https:// URL");
  }
}

TEST_CASE("http: sizes for --max-response-size") {
  CHECK(parse_size("16M", "--max-response-size") == 16u << 20);
  CHECK(parse_size("64MiB", "x") == 64u << 20);
  CHECK(parse_size("1048576", "x") == 1048576u);
  CHECK(parse_size("2g", "x") == std::uint64_t{2} << 30);
  for (const char* bad : {"", "M", "12X", "-1", "100", "65G", "99999999999999999999999", "1.5M"}) {
    CAPTURE(bad);
    try {
      parse_size(bad, "--max-response-size");
      FAIL("accepted");
    } catch (const claimkit::error& e) {
      CHECK(std::string(e.what()) == "--max-response-size: expected a size from 1K to 64G, such as 16M or 1048576");
    }
  }
}

TEST_CASE("http: outcomes are described without bodies") {
  result r;
  r.resp.status = 503;
  r.resp.body = "secret body";
  CHECK(describe(r) == "HTTP 503");
  result t;
  t.fail = failure::timeout;
  t.error = "Operation timed out after 1000 milliseconds with 0 bytes received";
  CHECK(describe(t) == "timed out (Operation timed out after 1000 milliseconds with 0 bytes received)");
  result c;
  c.fail = failure::connect;
  CHECK(describe(c) == "connection failed");
}

TEST_CASE("http: a refused connection is a connect failure, and the client runs an empty queue") {
  client_options o;
  o.connect_timeout = std::chrono::milliseconds(2000);
  o.total_timeout = std::chrono::milliseconds(3000);
  client c(o);
  c.run();  // nothing queued: returns at once
  request req;
  req.url = "http://127.0.0.1:1/";  // port 1: nothing listens there
  int calls = 0;
  failure seen = failure::none;
  c.submit(req, [&](result r) {
    ++calls;
    seen = r.fail;
  });
  c.run();
  CHECK(calls == 1);
  CHECK(seen == failure::connect);
  CHECK(c.perform(req).fail == failure::connect);
}

TEST_CASE("http: cancel_queued fails queued transfers exactly once") {
  client c(client_options{});
  int calls = 0;
  request req;
  req.url = "http://127.0.0.1:1/";
  c.submit(
      req,
      [&](result r) {
        ++calls;
        CHECK(r.fail == failure::refused);
        CHECK(r.error == "cancelled");
      },
      clock::now() + std::chrono::hours(1));
  CHECK(c.queued() == 1);
  c.cancel_queued();
  c.run();
  CHECK(calls == 1);
  CHECK(c.queued() == 0);
}
