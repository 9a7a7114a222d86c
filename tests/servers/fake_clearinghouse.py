#!/usr/bin/env python3
"""A loopback fake clearinghouse for claim-query submit tests.

Serves an OAuth2 token endpoint (POST .../token) and a claim status v2
endpoint (POST ...claimstatus...) in the Optum (bearer token) or Stedi
(API key) flavour, with scripted faults, and reports what it saw on
GET /stats: tokens issued, requests per claim, connections, peak
concurrency. Answers are synthetic and derived from the request.

Faults are scripted per claim (encounter.trackingNumber) and attempt:
  --fault C0003=500,503        1st attempt 500, 2nd 503 (Retry-After: 1), then answers
Fault words: 500, 502, 503 (Retry-After: 1 s), 503date (Retry-After as an
HTTP-date), 429 (Retry-After: 1 s), drop (connection closed without an
answer), slow (answers after --slow-seconds), 400 (errors[] body), 404,
errors200 (HTTP 200 with errors[] and no claims), mismatch (echoes another
trackingNumber), ok.
Other faults: --unauthorized-at N (the N-th status request finds its token
revoked: 401), --down-after N (every status request after the N-th gets
--down-mode: 503 or drop).
"""

import argparse
import email.utils
import json
import os
import socket
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()
STATS = {
    "tokens_issued": 0,
    "token_requests": 0,
    "status_requests": 0,
    "unauthorized": 0,
    "connections": 0,
    "status_connections": 0,
    "in_flight": 0,
    "max_in_flight": 0,
    "per_claim": {},
    "authorized_per_claim": {},
    "answers": {},
}
VALID_TOKENS = set()
STATUS_CONNECTIONS = set()
STATE = {"revoked_once": False}


def count(key, sub=None):
    with LOCK:
        if sub is None:
            STATS[key] += 1
            return STATS[key]
        STATS[key][sub] = STATS[key].get(sub, 0) + 1
        return STATS[key][sub]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fake-clearinghouse/1"

    def setup(self):
        super().setup()
        # Headers and body go out in separate writes: without this, Nagle and
        # delayed ACKs add 40 ms to every kept-alive exchange.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        count("connections")

    def log_message(self, fmt, *args):  # quiet: the test reads /stats instead
        pass

    def send_json(self, status, obj, headers=None):
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        try:
            self.wfile.write(body)
        except OSError:  # the client gave up first (timeouts are part of the tests)
            self.close_connection = True

    def read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n > 0 else b""

    def do_GET(self):
        if self.path == "/stats":
            with LOCK:
                self.send_json(200, STATS)
            return
        self.send_json(404, {"message": "not found"})

    def do_POST(self):
        body = self.read_body()
        if self.path.endswith("/token") or self.path.endswith("/token/"):
            return self.token(body)
        if "claimstatus" in self.path:
            with LOCK:
                STATS["in_flight"] += 1
                STATS["max_in_flight"] = max(STATS["max_in_flight"], STATS["in_flight"])
            try:
                return self.claim_status(body)
            finally:
                with LOCK:
                    STATS["in_flight"] -= 1
        self.send_json(404, {"message": "not found"})

    def token(self, body):
        count("token_requests")
        opts = self.server.opts
        ctype = self.headers.get("Content-Type", "")
        if ctype.startswith("application/json"):
            form = json.loads(body or b"{}")
        else:
            form = {k: v[0] for k, v in urllib.parse.parse_qs(body.decode()).items()}
        if (form.get("grant_type") != "client_credentials" or form.get("client_id") != opts.client_id
                or form.get("client_secret") != opts.client_secret):
            return self.send_json(401, {"error": "invalid_client"})
        n = count("tokens_issued")
        tok = "tok-%d" % n
        with LOCK:
            VALID_TOKENS.add(tok)
        self.send_json(200, {"access_token": tok, "token_type": "bearer", "expires_in": opts.token_ttl})

    def authorized(self):
        opts = self.server.opts
        auth = self.headers.get("Authorization", "")
        if opts.flavour == "stedi":
            return auth == opts.api_key
        if not auth.startswith("Bearer "):
            return False
        with LOCK:
            return auth[7:] in VALID_TOKENS

    def drop(self):
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def claim_status(self, body):
        opts = self.server.opts
        n = count("status_requests")
        with LOCK:
            STATUS_CONNECTIONS.add(id(self))
            STATS["status_connections"] = len(STATUS_CONNECTIONS)
        try:
            req = json.loads(body)
            tracking = req["encounter"]["trackingNumber"]
        except (ValueError, KeyError, TypeError):
            return self.send_json(400, {"errors": [{"field": "encounter.trackingNumber", "code": "33",
                                                    "description": "Input error: missing tracking number"}]})
        count("per_claim", tracking)
        if opts.unauthorized_at and n >= opts.unauthorized_at and not STATE["revoked_once"]:
            with LOCK:
                STATE["revoked_once"] = True
                VALID_TOKENS.clear()
        if not self.authorized():
            count("unauthorized")
            return self.send_json(401, {"message": "Unauthorized"})
        # Scripted faults apply to authorized attempts only.
        attempt = count("authorized_per_claim", tracking)
        if opts.down_after and n > opts.down_after:
            word = opts.down_mode
        else:
            script = self.server.faults.get(tracking, [])
            word = script[attempt - 1] if attempt <= len(script) else "ok"
        count("answers", word)
        if word in ("500", "502"):
            return self.send_json(int(word), {"message": "internal error"})
        if word == "503":
            return self.send_json(503, {"message": "unavailable"}, {"Retry-After": "1"})
        if word == "503date":
            when = email.utils.formatdate(time.time() + 2, usegmt=True)
            return self.send_json(503, {"message": "unavailable"}, {"Retry-After": when})
        if word == "429":
            return self.send_json(429, {"message": "too many requests"}, {"Retry-After": "1"})
        if word == "drop":
            return self.drop()
        if word == "slow":
            time.sleep(opts.slow_seconds)
        if word == "400":
            return self.send_json(400, {"errors": [{"field": "subscriber.memberId", "code": "72",
                                                    "description": "Invalid/Missing Subscriber/Insured ID",
                                                    "followupAction": "Please Correct and Resubmit"}]})
        if word == "404":
            return self.send_json(404, {"message": "payer not found"})
        if word == "errors200":
            return self.send_json(200, {"controlNumber": req.get("controlNumber"), "errors": [
                {"field": "AAA", "code": "75", "description": "Subscriber/Insured Not Found",
                 "followupAction": "Please Correct and Resubmit", "location": "Loop 2100C"}]})
        self.send_json(200, answer(req, tracking if word != "mismatch" else tracking + "X", opts.flavour))


def answer(req, tracking, flavour):
    enc = req.get("encounter", {})
    sub = req.get("subscriber", {})
    begin = enc.get("beginningDateOfService", "")
    end = enc.get("endDateOfService", begin)
    billed = enc.get("submittedAmount", "100.00")
    status = {
        "statusCategoryCode": "F1",
        "statusCategoryCodeValue": "Finalized/Payment-The claim/line has been paid.",
        "statusCode": "65",
        "statusCodeValue": "Claim/line has been paid.",
        "entityCode": "PR",
        "effectiveDate": "20260115",
        "submittedAmount": billed,
        "amountPaid": "80.00",
        "paidDate": "20260115",
        "checkIssueDate": "20260117",
        "checkNumber": "CHK0042",
        "trackingNumber": tracking,
        "patientAccountNumber": "PA-" + tracking,
        "tradingPartnerClaimNumber": "PCN" + tracking,
        "claimServiceDate": begin if begin == end else begin + "-" + end,
    }
    out = {
        "controlNumber": req.get("controlNumber", ""),
        "tradingPartnerServiceId": req.get("tradingPartnerServiceId", ""),
        "payer": {"organizationName": "SYNTHETIC HEALTH PLAN",
                  "payerIdentification": req.get("tradingPartnerServiceId", "")},
        "providers": req.get("providers", []),
        "subscriber": {k: sub[k] for k in ("memberId", "firstName", "lastName") if k in sub},
        "claims": [{
            "claimStatus": status,
            "serviceDetails": [{
                "service": {"procedureId": "99213", "serviceIdQualifierCode": "HC", "submittedAmount": billed,
                            "amountPaid": "80.00", "submittedUnits": "1", "lineItemControlNumber": "1"},
                "status": [{"statusCategoryCode": "F1", "statusCode": "65", "effectiveDate": "20260115"}],
            }],
        }],
    }
    if "dependent" in req:
        dep = req["dependent"]
        out["dependent"] = {k: dep[k] for k in ("firstName", "lastName") if k in dep}
    if flavour == "stedi":
        out["meta"] = {"applicationMode": "production", "traceId": "trace-" + tracking}
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--flavour", choices=["optum", "stedi"], default="optum")
    ap.add_argument("--client-id", default="test-client")
    ap.add_argument("--client-secret", default="test-secret")
    ap.add_argument("--api-key", default="test-api-key")
    ap.add_argument("--token-ttl", type=int, default=3600)
    ap.add_argument("--fault", action="append", default=[], metavar="CLAIM=WORD,...")
    ap.add_argument("--unauthorized-at", type=int, default=0)
    ap.add_argument("--down-after", type=int, default=0)
    ap.add_argument("--down-mode", default="503")
    ap.add_argument("--slow-seconds", type=float, default=3.0)
    ap.add_argument("--tls-cert", help="serve https with this certificate (PEM)")
    ap.add_argument("--tls-key", help="the certificate's private key (PEM)")
    ap.add_argument("--lifetime", type=float, default=120.0, help="exit after this many seconds whatever happens")
    opts = ap.parse_args()

    class Server(ThreadingHTTPServer):
        def handle_error(self, request, client_address):
            pass  # clients that time out or hang up are expected here

    server = Server(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    if opts.tls_cert:
        import ssl
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(opts.tls_cert, opts.tls_key)
        server.socket = ctx.wrap_socket(server.socket, server_side=True)
    server.opts = opts
    server.faults = {}
    for f in opts.fault:
        claim, _, words = f.partition("=")
        server.faults[claim] = [w for w in words.split(",") if w]
    with open(opts.port_file + ".tmp", "w") as fh:
        fh.write(str(server.server_address[1]))
    os.replace(opts.port_file + ".tmp", opts.port_file)
    timer = threading.Timer(opts.lifetime, server.shutdown)
    timer.daemon = True
    timer.start()
    server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
