// A loopback HTTP/1.1 sink for benchmarks: accepts POSTs (RFC 9112 message
// framing: headers, then a Content-Length body; keep-alive unless the
// request says "Connection: close") and answers each with 200 and "{}".
// A thread per connection, no parsing beyond the framing, so the figure a
// bench measures is the client's, not the sink's: pm-push --jobs 8 posts
// ~125 records/s to tests/servers/fake_pm.py (python http.server), bound by
// the fake, and ~2,500/s to this sink (2-core machine, busy).
//
//   http_sink PORT_FILE     listens on 127.0.0.1, an ephemeral port written
//                           to PORT_FILE; on SIGTERM prints the request count
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <strings.h>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

namespace {

std::atomic<unsigned long> requests{0};

bool send_all(int fd, const char* p, size_t n) {
  while (n > 0) {
    ssize_t w = ::send(fd, p, n, MSG_NOSIGNAL);
    if (w <= 0) return false;
    p += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

void serve(int fd) {
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  std::string buf;
  char chunk[65536];
  static const char kAnswer[] = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}";
  for (;;) {
    size_t end;
    while ((end = buf.find("\r\n\r\n")) == std::string::npos) {
      ssize_t r = ::recv(fd, chunk, sizeof chunk, 0);
      if (r <= 0) goto out;
      buf.append(chunk, static_cast<size_t>(r));
    }
    {
      size_t length = 0;
      bool close_after = false;
      size_t pos = buf.find("\r\n");
      while (pos < end) {
        size_t eol = buf.find("\r\n", pos + 2);
        std::string line = buf.substr(pos + 2, eol - pos - 2);
        if (strncasecmp(line.c_str(), "content-length:", 15) == 0)
          length = std::strtoul(line.c_str() + 15, nullptr, 10);
        if (strncasecmp(line.c_str(), "connection:", 11) == 0 && line.find("close") != std::string::npos)
          close_after = true;
        pos = eol;
      }
      size_t whole = end + 4 + length;
      while (buf.size() < whole) {
        ssize_t r = ::recv(fd, chunk, sizeof chunk, 0);
        if (r <= 0) goto out;
        buf.append(chunk, static_cast<size_t>(r));
      }
      buf.erase(0, whole);
      ++requests;
      if (!send_all(fd, kAnswer, sizeof kAnswer - 1) || close_after) goto out;
    }
  }
out:
  ::close(fd);
}

void on_term(int) {
  char line[64];
  int n = std::snprintf(line, sizeof line, "%lu\n", requests.load());
  if (n > 0) (void)!::write(1, line, static_cast<size_t>(n));
  ::_exit(0);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: http_sink PORT_FILE\n");
    return 2;
  }
  ::signal(SIGTERM, on_term);
  int s = ::socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  ::setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(s, 128) != 0) {
    std::perror("http_sink");
    return 3;
  }
  socklen_t len = sizeof a;
  ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
  std::string tmp = std::string(argv[1]) + ".part";
  FILE* f = std::fopen(tmp.c_str(), "w");
  if (f == nullptr) return 3;
  std::fprintf(f, "%d\n", ntohs(a.sin_port));
  std::fclose(f);
  std::rename(tmp.c_str(), argv[1]);
  for (;;) {
    int c = ::accept(s, nullptr, nullptr);
    if (c < 0) continue;
    std::thread(serve, c).detach();
  }
}
