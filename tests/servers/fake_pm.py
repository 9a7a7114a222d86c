#!/usr/bin/env python3
"""Loopback fake of the PM APIs pm-push writes to, for tests.

Serves an athenaOne-like API (token + claim notes), a NextGen-like API
(token, login-defaults session, configurable note route) and a webhook that
honours Idempotency-Key, on 127.0.0.1 and a free port written to --port-file.

Faults are scripted: --faults is a comma list consumed one entry per write
request (note or webhook POST), in arrival order; "ok" lets one through.
  500 502           answer with that status, nothing recorded
  503ra             503 with Retry-After: 1, nothing recorded
  429               429 with Retry-After: 1, nothing recorded
  reset_before      read the request, record nothing, reset the connection
  reset_after       record the note, then reset the connection
  stall             wait --stall seconds before answering (nothing recorded)
  expire            invalidate every token, answer 401 (401 mid-run)
--slow SECONDS delays every write (to kill a client mid-run).
GET /_stats returns what was received, so tests can count notes.
--gen N prints N synthetic normalized claim_status records and exits.
"""
import argparse
import base64
import json
import os
import socket
import struct
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()
STATE = {
    "tokens": set(),
    "tokens_issued": 0,
    "sessions": set(),
    "notes": [],          # {"api", "practice", "claimid", "text"}
    "webhook": [],        # every delivery that was processed (keys)
    "webhook_keys": {},   # key -> stored answer
    "requests": 0,
    "writes": 0,          # note and webhook requests, whatever their fate
    "faults_used": [],
    "unauthorized": 0,
}
ARGS = None
FAULTS = []


def next_fault():
    with LOCK:
        return FAULTS.pop(0) if FAULTS else "ok"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # keep test output quiet
        pass

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def reply(self, status, obj=None, headers=None):
        data = json.dumps(obj if obj is not None else {}).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)
        except OSError:
            self.close_connection = True  # the client went away (killed, timed out)

    def reset(self):
        # SO_LINGER 0: close() sends RST, the client sees a reset connection.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True

    def bearer_ok(self):
        auth = self.headers.get("Authorization", "")
        with LOCK:
            ok = auth.startswith("Bearer ") and auth[7:] in STATE["tokens"]
            if not ok:
                STATE["unauthorized"] += 1
        return ok

    def issue_token(self, client_id, secret):
        if client_id != ARGS.client_id or secret != ARGS.client_secret:
            self.reply(401, {"error": "invalid_client"})
            return
        with LOCK:
            STATE["tokens_issued"] += 1
            tok = "tok-%d" % STATE["tokens_issued"]
            STATE["tokens"].add(tok)
        self.reply(200, {"access_token": tok, "token_type": "Bearer", "expires_in": 3600})

    def do_GET(self):
        if self.path == "/_stats":
            with LOCK:
                out = {k: (sorted(v) if isinstance(v, set) else v) for k, v in STATE.items() if k != "webhook_keys"}
                out["webhook_unique"] = len(STATE["webhook_keys"])
            self.reply(200, out)
            return
        self.reply(404, {"error": "not found"})

    def do_PUT(self):
        body = self.body()
        if self.path.endswith("/users/me/login-defaults"):
            if not self.bearer_ok():
                self.reply(401, {"error": "unauthorized"})
                return
            try:
                ids = json.loads(body)
            except ValueError:
                self.reply(400, {"error": "bad json"})
                return
            if not ids.get("enterpriseId") or not ids.get("practiceId"):
                self.reply(400, {"error": "missing ids"})
                return
            with LOCK:
                sid = "sess-%d" % (len(STATE["sessions"]) + 1)
                STATE["sessions"].add(sid)
            self.reply(200, {}, {"x-ng-sessionid": sid})
            return
        self.reply(404, {"error": "not found"})

    def do_POST(self):
        with LOCK:
            STATE["requests"] += 1
        body = self.body()
        path = urllib.parse.urlsplit(self.path).path
        if path == "/oauth2/v1/token":  # athena: HTTP Basic client authentication
            auth = self.headers.get("Authorization", "")
            try:
                cid, _, sec = base64.b64decode(auth[6:]).decode().partition(":")
            except Exception:
                cid, sec = "", ""
            self.issue_token(cid, sec)
            return
        if path == "/nge-oauth/token":  # nextgen: credentials in the form
            form = urllib.parse.parse_qs(body.decode())
            self.issue_token(form.get("client_id", [""])[0], form.get("client_secret", [""])[0])
            return
        parts = path.strip("/").split("/")
        if len(parts) == 5 and parts[0] == "v1" and parts[2] == "claims" and parts[4] == "note":
            self.write(lambda: self.athena_note(parts[1], urllib.parse.unquote(parts[3]), body))
            return
        if path.startswith("/nextgen/claims/") and path.endswith("/notes"):
            claimid = urllib.parse.unquote(path[len("/nextgen/claims/"):-len("/notes")])
            self.write(lambda: self.nextgen_note(claimid, body))
            return
        if path == "/hook":
            self.write(lambda: self.hook(body))
            return
        self.reply(404, {"error": "not found"})

    def write(self, apply):
        with LOCK:
            STATE["writes"] += 1
        if ARGS.slow:
            time.sleep(ARGS.slow)
        fault = next_fault()
        if fault != "ok":
            with LOCK:
                STATE["faults_used"].append(fault)
        if fault in ("500", "502"):
            self.reply(int(fault), {"error": "injected"})
        elif fault == "503ra":
            self.reply(503, {"error": "injected"}, {"Retry-After": "1"})
        elif fault == "429":
            self.reply(429, {"error": "slow down"}, {"Retry-After": "1"})
        elif fault == "reset_before":
            self.reset()
        elif fault == "reset_after":
            status, obj, headers = apply()
            self.reset()
        elif fault == "stall":
            time.sleep(ARGS.stall)
            self.reply(504, {"error": "stalled"})
        elif fault == "expire":
            with LOCK:
                STATE["tokens"].clear()
                STATE["unauthorized"] += 1
            self.reply(401, {"error": "token expired"})
        else:
            status, obj, headers = apply()
            self.reply(status, obj, headers)

    def athena_note(self, practice, claimid, body):
        if not self.bearer_ok():
            return 401, {"error": "unauthorized"}, {}
        form = urllib.parse.parse_qs(body.decode())
        text = form.get("notetext", [""])[0]
        if not text:
            return 400, {"error": "notetext is required"}, {}
        if not claimid.isdigit():
            return 404, {"error": "no such claim"}, {}
        with LOCK:
            STATE["notes"].append({"api": "athena", "practice": practice, "claimid": claimid, "text": text})
        return 200, {"success": "true"}, {}

    def nextgen_note(self, claimid, body):
        if not self.bearer_ok():
            return 401, {"error": "unauthorized"}, {}
        if self.headers.get("x-ng-sessionid") not in STATE["sessions"]:
            return 400, {"error": "no session"}, {}
        text = json.loads(body).get("note", "")
        with LOCK:
            STATE["notes"].append({"api": "nextgen", "claimid": claimid, "text": text})
        return 201, {}, {}

    def hook(self, body):
        if ARGS.webhook_token and self.headers.get("Authorization") != "Bearer " + ARGS.webhook_token:
            return 401, {"error": "unauthorized"}, {}
        key = self.headers.get("Idempotency-Key", "")
        if not key:
            return 400, {"error": "Idempotency-Key required"}, {}
        with LOCK:
            if key in STATE["webhook_keys"]:
                return 200, {"received": key}, {"Idempotent-Replayed": "true"}
            STATE["webhook_keys"][key] = True
            STATE["webhook"].append(key)
        json.loads(body)
        return 200, {"received": key}, {}


STATES = [("paid", "F1", "65", "post payment", "posting"), ("denied", "F2", "96", "appeal", "denials"),
          ("pending", "P1", "20", "wait", "follow-up"), ("needs_info", "R3", "21", "send records", "records")]


def generate(n, start):
    for i in range(start, start + n):
        state, cat, code, action, queue = STATES[i % len(STATES)]
        day = 1 + i % 28
        rec = {"type": "claim_status", "claim_id": "PCN-%06d" % i, "payer_claim_id": "PX%08d" % (i * 7),
               "payer": {"name": "TEST PAYER", "id": "TP%02d" % (i % 5)}, "billed_amount": "%d.%02d" % (50 + i % 400, i % 100),
               "statuses": [{"category": cat, "code": code, "entity": "PR", "effective_date": "2026-02-%02d" % day}],
               "source": {"channel": "x12", "file": "gen.277", "interchange": "%09d" % (1 + i // 1000), "group": "1",
                          "transaction": "%04d" % (1 + i % 1000)},
               "state": state, "action": action, "queue": queue}
        line = json.dumps(rec, separators=(",", ":"))
        # billed_amount is a JSON number with two decimals, as x12-parse writes it
        line = line.replace('"billed_amount":"%s"' % rec["billed_amount"], '"billed_amount":%s' % rec["billed_amount"])
        sys.stdout.write(line + "\n")


def main():
    global ARGS, FAULTS
    p = argparse.ArgumentParser()
    p.add_argument("--port-file")
    p.add_argument("--gen", type=int, default=0)
    p.add_argument("--gen-start", type=int, default=1)
    p.add_argument("--faults", default="")
    p.add_argument("--stall", type=float, default=5.0)
    p.add_argument("--slow", type=float, default=0.0)
    p.add_argument("--client-id", default="test-client")
    p.add_argument("--client-secret", default="test-secret")
    p.add_argument("--webhook-token", default="")
    ARGS = p.parse_args()
    if ARGS.gen:
        generate(ARGS.gen, ARGS.gen_start)
        return 0
    if not ARGS.port_file:
        p.error("--port-file is required")
    FAULTS = [f for f in ARGS.faults.split(",") if f]
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    tmp = ARGS.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(tmp, ARGS.port_file)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
