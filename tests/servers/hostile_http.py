#!/usr/bin/env python3
"""A hostile loopback HTTP server for the attack tests of the HTTP layer.

It answers as a server an attacker controls would, within HTTP/1.1 (RFC 9110,
RFC 9112) and gzip (RFC 1952), so the client's limits are what is tested:

  /gzip-bomb       200, Content-Encoding: gzip, a small body (a few MB) that
                   inflates to --bomb-gib GiB of zeros
  /plain-huge      200, Content-Length of --plain-mib MiB of JSON-looking text
  /retry-forever   503 with Retry-After: 999999999 (about 31 years)
  anything else    404

Every request (also one sent to it as an HTTP proxy, with an absolute URI) is
appended to --log as one JSON line: method, target, host header, and whether
its body or headers carried the word `secret` (a client secret sent in the
clear). The port is written to --port-file once listening.
"""

import argparse
import json
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()
ARGS = None
BOMB = None  # (head, repeated chunk, count, tail)


def make_bomb(gib):
    # After a full flush the compressor starts afresh, so the same 1 MiB of
    # zeros compresses to the same bytes every time: the body is one chunk
    # repeated, built in milliseconds instead of deflating gigabytes.
    block = bytes(1 << 20)
    c = zlib.compressobj(9, zlib.DEFLATED, 31)
    head = c.compress(block) + c.flush(zlib.Z_FULL_FLUSH)
    chunk = c.compress(block) + c.flush(zlib.Z_FULL_FLUSH)
    count = gib * 1024 - 1
    crc = zlib.crc32(block)
    # The trailer's CRC is never reached by a client that stops at its cap;
    # it is computed honestly anyway for a small bomb.
    if gib <= 1:
        for _ in range(count):
            crc = zlib.crc32(block, crc)
    tail = c.flush(zlib.Z_FINISH)[:-8] + crc.to_bytes(4, "little") + ((gib << 30) & 0xFFFFFFFF).to_bytes(4, "little")
    return head, chunk, count, tail


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def record(self, body):
        text = (body or b"").decode("latin-1") + "\n".join(f"{k}: {v}" for k, v in self.headers.items())
        entry = {"method": self.command, "target": self.path, "host": self.headers.get("Host", ""),
                 "secret": "secret" in text.lower()}
        with LOCK, open(ARGS.log, "a") as f:
            f.write(json.dumps(entry) + "\n")

    def handle_any(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n > 0 else b""
        self.record(body)
        path = self.path.split("?", 1)[0]
        try:
            if path.endswith("/gzip-bomb"):
                head, chunk, count, tail = BOMB
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Encoding", "gzip")
                self.send_header("Content-Length", str(len(head) + len(chunk) * count + len(tail)))
                self.end_headers()
                self.wfile.write(head)
                for _ in range(count):
                    self.wfile.write(chunk)
                self.wfile.write(tail)
            elif path.endswith("/plain-huge"):
                size = ARGS.plain_mib << 20
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Transfer-Encoding", "chunked")  # no length to refuse early
                self.end_headers()
                piece = b'{"claims":[' + b" " * ((1 << 16) - 11)
                sent = 0
                while sent < size:
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                    sent += len(piece)
                self.wfile.write(b"0\r\n\r\n")
            elif path.endswith("/retry-forever"):
                payload = b'{"message":"try later"}'
                self.send_response(503)
                self.send_header("Content-Type", "application/json")
                self.send_header("Retry-After", "999999999")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            else:
                payload = b'{"message":"not found"}'
                self.send_response(404)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    do_GET = do_POST = do_PUT = handle_any


def main():
    global ARGS, BOMB
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--bomb-gib", type=int, default=3)
    ap.add_argument("--plain-mib", type=int, default=200)
    ap.add_argument("--lifetime", type=float, default=120)
    ARGS = ap.parse_args()
    BOMB = make_bomb(ARGS.bomb_gib)
    class Server(ThreadingHTTPServer):
        def handle_error(self, request, client_address):
            pass  # clients that hang up on an oversized answer are the point

    srv = Server(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    threading.Timer(ARGS.lifetime, srv.shutdown).start()
    with open(ARGS.port_file + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]))
    import os
    os.replace(ARGS.port_file + ".tmp", ARGS.port_file)
    srv.serve_forever()


if __name__ == "__main__":
    main()
