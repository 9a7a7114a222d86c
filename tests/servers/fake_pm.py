#!/usr/bin/env python3
"""Loopback fake of the PM APIs pm-push writes to, for tests.

Built from the vendors' published documents, not from claimkit's code:

athenaOne
  * athenahealth, "Token Endpoint" and "Authentication and URL Locations"
    (docs.athenahealth.com/api/guides/token-endpoint,
    .../guides/authentication-and-url-locations): POST /oauth2/v1/token,
    client id and secret in an HTTP Basic header, form body
    grant_type=client_credentials and scope=athena/service/Athenanet.MDP.*;
    the answer holds access_token and expires_in (one hour); the token goes on
    every API call as a bearer token.
  * athenahealth API reference, Claim Note, "Create new claim notes"
    (docs.athenahealth.com/api/api-ref/claim-note): POST
    /v1/{practiceid}/claims/{claimid}/note, form field claimnote; the answer
    carries success and, on failure, errormessage. eleanorhealth/go-athenahealth
    (athenahealth/claims.go, ClaimCreateNote; resources/ClaimCreateNote.json)
    is a production client of this route and reads the same two fields.
  * athenahealth, "API Error Message Reference"
    (docs.athenahealth.com/api/resources/api-error-message-reference): errors
    are JSON with "error" (and sometimes "detailedmessage" or the missing
    fields); errors from the API gateway (e.g. a bad token) carry no JSON.
NextGen Enterprise API
  * NextGen Healthcare, "Enterprise API GSA Authentication Documentation
    Guide" (nextgen.com/api/EntAPI-GSA-Auth-Docs-Guide.pdf): POST
    {host}/nge/prod/nge-oauth/token, form body grant_type=client_credentials,
    client_id, client_secret and site_id (the installation); then PUT
    {host}/nge/prod/nge-api/api/users/me/login-defaults with a JSON body
    {"enterpriseId", "practiceId"}: the answer's body holds nothing, its
    x-ng-sessionid header names the enterprise and practice (the same input
    gives the same value) and goes on every later call with the bearer token.
    clinect/nextgen-sdk sends the same token form and login-defaults body.
  * The claim-note route is not public: the fake serves the path and JSON
    field it is told (--nextgen-note-path, --nextgen-note-field), so a test
    configures claimkit and the fake alike.
Both token endpoints follow RFC 6749: errors are 400/401 with
{"error": "invalid_request" | "invalid_client" | "unsupported_grant_type" |
"invalid_scope"}, and unrecognized parameters are ignored (section 3.2).
The API routes refuse what the documents do not allow: a wrong content type,
a missing or unknown field, a bad or missing token or session.

Scripted behaviour, for tests:
  --refuse-claims IDS  athena claim ids answered 200 {"success": "false",
                       "errormessage": ...} (the message names the claim and
                       a patient, so a test can see it is never echoed)
  --odd-claims IDS     athena claim ids answered 200 with an HTML page
  --success-bool       athena answers success as a JSON boolean, not "true"
  --faults LIST        consumed one entry per write request (note or
                       webhook POST), in arrival order; "ok" lets one through:
    500 502            answer with that status, nothing recorded
    503ra, 429         that status with Retry-After: 1, nothing recorded
    reset_before       read the request, record nothing, reset the connection
    reset_after        record the note, then reset the connection
    stall              wait --stall seconds, answer 504 (nothing recorded)
    expire             invalidate every token, answer 401 (401 mid-run)
  --slow SECONDS       delays every write (to kill a client mid-run)
POST /_control {"refuse_claims": [...], "odd_claims": [...], "raw_answers":
{claimid: body}} changes the lists; a raw answer is a 200 JSON answer with
that body, for attack tests (nothing is recorded).
GET /_stats returns what was received, so tests can count notes.
A webhook at /hook honours Idempotency-Key (claimkit's own http: target).
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

ATHENA_SCOPE = "athena/service/Athenanet.MDP.*"
FORM = "application/x-www-form-urlencoded"
LOCK = threading.Lock()
STATE = {
    "tokens": set(),
    "tokens_issued": 0,
    "token_forms": [],    # field names of every token request, and the site_id
    "logins": 0,          # login-defaults calls that got a session
    "sessions": set(),
    "notes": [],          # {"api", "practice", "claimid", "text"}
    "refused": [],        # why a request was refused (fixed words)
    "webhook": [],        # every delivery that was processed (keys)
    "webhook_keys": {},   # key -> stored answer
    "requests": 0,
    "writes": 0,          # note and webhook requests, whatever their fate
    "faults_used": [],
    "unauthorized": 0,
    "refuse_claims": [],
    "odd_claims": [],
    "raw_answers": {},    # athena claim id -> the 200 body to answer with (attack tests)
}
ARGS = None
FAULTS = []


def next_fault():
    with LOCK:
        return FAULTS.pop(0) if FAULTS else "ok"


def refused(why):
    with LOCK:
        STATE["refused"].append(why)


def media_type(value):
    return (value or "").split(";")[0].strip().lower()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # keep test output quiet
        pass

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def reply(self, status, obj=None, headers=None, raw=None, ctype="application/json"):
        data = raw if raw is not None else json.dumps(obj if obj is not None else {}).encode()
        try:
            self.send_response(status)
            if data:
                self.send_header("Content-Type", ctype)
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

    def form(self, body):
        """The form fields, or None when the body is not a form (wrong type,
        a field twice, bad encoding)."""
        if media_type(self.headers.get("Content-Type")) != FORM:
            return None
        try:
            pairs = urllib.parse.parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=bool(body))
        except (UnicodeDecodeError, ValueError):
            return None
        out = {}
        for k, v in pairs:
            if k in out:
                return None
            out[k] = v
        return out

    def new_token(self):
        with LOCK:
            STATE["tokens_issued"] += 1
            tok = "tok-%d" % STATE["tokens_issued"]
            STATE["tokens"].add(tok)
        return tok

    # --- athenaOne ---------------------------------------------------------

    def athena_token(self, body):
        form = self.form(body)
        with LOCK:
            STATE["token_forms"].append({"api": "athena", "fields": sorted(form or {})})
        if form is None:
            refused("athena token: not a form")
            return self.reply(400, {"error": "invalid_request"})
        auth = self.headers.get("Authorization", "")
        try:
            cid, _, sec = base64.b64decode(auth[6:], validate=True).decode().partition(":") if auth.startswith("Basic ") else ("", "", "")
        except Exception:
            cid, sec = "", ""
        if cid != ARGS.client_id or sec != ARGS.client_secret:
            refused("athena token: client")
            return self.reply(401, {"error": "invalid_client"})
        if "grant_type" not in form:
            refused("athena token: no grant_type")
            return self.reply(400, {"error": "invalid_request"})
        if form["grant_type"] != "client_credentials":
            refused("athena token: grant_type")
            return self.reply(400, {"error": "unsupported_grant_type"})
        if form.get("scope") != ATHENA_SCOPE:
            refused("athena token: scope")
            return self.reply(400, {"error": "invalid_scope"})
        self.reply(200, {"token_type": "Bearer", "expires_in": 3600, "access_token": self.new_token(),
                         "scope": ATHENA_SCOPE})

    def athena_note(self, practice, claimid, body):
        if not self.bearer_ok():
            return 401, None, {}  # from the gateway: no JSON
        form = self.form(body)
        if form is None:
            refused("athena note: not a form")
            return 400, {"error": "The request body could not be read."}, {}
        if practice != ARGS.practice_id:
            refused("athena note: practice")
            return 401, None, {}
        if not claimid.isdigit():
            refused("athena note: claim id")
            return 404, {"error": "The claim ID is invalid."}, {}
        unknown = sorted(k for k in form if k != "claimnote")
        if unknown:
            refused("athena note: unknown field")
            return 400, {"error": "Unrecognized parameters.", "detailedmessage": ", ".join(unknown)}, {}
        text = form.get("claimnote", "")
        if not text:
            refused("athena note: no claimnote")
            return 400, {"error": "Additional fields are required.", "missingfields": ["claimnote"]}, {}
        with LOCK:
            refuse = claimid in STATE["refuse_claims"]
            odd = claimid in STATE["odd_claims"]
            raw = STATE["raw_answers"].get(claimid)
        if raw is not None:
            return 200, raw.encode(), {}
        if refuse:
            refused("athena note: success false")
            return 200, {"success": False if ARGS.success_bool else "false",
                         "errormessage": "Claim %s for patient DOE, JANE is closed; no note added." % claimid}, {}
        if odd:
            return 200, b"<html><body>Service notice</body></html>", {"Content-Type": "text/html"}
        with LOCK:
            STATE["notes"].append({"api": "athena", "practice": practice, "claimid": claimid, "text": text})
        return 200, {"success": True if ARGS.success_bool else "true"}, {}

    # --- NextGen -----------------------------------------------------------

    def nextgen_token(self, body):
        form = self.form(body)
        with LOCK:
            STATE["token_forms"].append({"api": "nextgen", "fields": sorted(form or {}),
                                         "site_id": (form or {}).get("site_id")})
        if form is None:
            refused("nextgen token: not a form")
            return self.reply(400, {"error": "invalid_request"})
        for k in ("grant_type", "client_id", "client_secret", "site_id"):
            if not form.get(k):
                refused("nextgen token: no " + k)
                return self.reply(400, {"error": "invalid_request"})
        if form["grant_type"] != "client_credentials":
            refused("nextgen token: grant_type")
            return self.reply(400, {"error": "unsupported_grant_type"})
        if form["client_id"] != ARGS.client_id or form["client_secret"] != ARGS.client_secret \
                or form["site_id"] != ARGS.site_id:
            refused("nextgen token: client or site")
            return self.reply(401, {"error": "invalid_client"})
        self.reply(200, {"access_token": self.new_token(), "token_type": "Bearer", "expires_in": 3600})

    def nextgen_login(self, body):
        if not self.bearer_ok():
            return self.reply(401, None, raw=b"")
        if media_type(self.headers.get("Content-Type")) != "application/json":
            refused("nextgen login: not json")
            return self.reply(415, {"message": "Unsupported media type"})
        try:
            ids = json.loads(body)
        except ValueError:
            ids = None
        if not isinstance(ids, dict) or set(ids) != {"enterpriseId", "practiceId"} \
                or not all(isinstance(v, str) and v for v in ids.values()):
            refused("nextgen login: fields")
            return self.reply(400, {"message": "enterpriseId and practiceId are required"})
        if ids["enterpriseId"] != ARGS.enterprise_id or ids["practiceId"] != ARGS.nextgen_practice_id:
            refused("nextgen login: ids")
            return self.reply(403, {"message": "not authorized for this enterprise and practice"})
        # Not a true session: the same ids give the same value.
        sid = base64.b64encode(("%s|%s|" % (ids["enterpriseId"], ids["practiceId"])).encode()).decode()
        with LOCK:
            STATE["logins"] += 1
            STATE["sessions"].add(sid)
        self.reply(200, None, {"x-ng-sessionid": sid}, raw=b"")

    def nextgen_note(self, claimid, body):
        if not self.bearer_ok():
            return 401, None, {}
        with LOCK:
            session_ok = self.headers.get("x-ng-sessionid") in STATE["sessions"]
        if not session_ok:
            refused("nextgen note: session")
            return 400, {"message": "x-ng-sessionid is missing or unknown"}, {}
        if media_type(self.headers.get("Content-Type")) != "application/json":
            refused("nextgen note: not json")
            return 415, {"message": "Unsupported media type"}, {}
        try:
            doc = json.loads(body)
        except ValueError:
            doc = None
        field = ARGS.nextgen_note_field
        if not isinstance(doc, dict) or set(doc) != {field} or not isinstance(doc[field], str) or not doc[field]:
            refused("nextgen note: fields")
            return 400, {"message": "the body must hold exactly the note field"}, {}
        with LOCK:
            STATE["notes"].append({"api": "nextgen", "claimid": claimid, "text": doc[field]})
        return 201, {}, {}

    # --- routing -----------------------------------------------------------

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
        if urllib.parse.urlsplit(self.path).path == ARGS.nextgen_prefix + "/nge-api/api/users/me/login-defaults":
            self.nextgen_login(body)
            return
        self.reply(404, {"error": "not found"})

    def nextgen_note_claim(self, path):
        pre, _, post = (ARGS.nextgen_prefix + "/nge-api/api" + ARGS.nextgen_note_path).partition("{claimid}")
        if path.startswith(pre) and path.endswith(post) and len(path) > len(pre) + len(post):
            claim = path[len(pre):len(path) - len(post)]
            if "/" not in claim:
                return urllib.parse.unquote(claim)
        return None

    def do_POST(self):
        with LOCK:
            STATE["requests"] += 1
        body = self.body()
        path = urllib.parse.urlsplit(self.path).path
        if path == "/_control":
            ctl = json.loads(body)
            with LOCK:
                for k in ("refuse_claims", "odd_claims"):
                    if k in ctl:
                        STATE[k] = [str(x) for x in ctl[k]]
                if "raw_answers" in ctl:
                    STATE["raw_answers"] = {str(k): v for k, v in ctl["raw_answers"].items()}
            self.reply(200, {})
            return
        if path == "/oauth2/v1/token":
            self.athena_token(body)
            return
        if path == ARGS.nextgen_prefix + "/nge-oauth/token":
            self.nextgen_token(body)
            return
        parts = path.strip("/").split("/")
        if len(parts) == 5 and parts[0] == "v1" and parts[2] == "claims" and parts[4] == "note":
            self.write(lambda: self.athena_note(parts[1], urllib.parse.unquote(parts[3]), body))
            return
        claim = self.nextgen_note_claim(path)
        if claim is not None:
            self.write(lambda: self.nextgen_note(claim, body))
            return
        if path == "/hook":
            self.write(lambda: self.hook(body))
            return
        self.reply(404, {"error": "not found"})

    def answer(self, status, obj, headers):
        headers = dict(headers)
        ctype = headers.pop("Content-Type", "application/json")
        if isinstance(obj, bytes):
            self.reply(status, None, headers, raw=obj, ctype=ctype)
        elif obj is None:
            self.reply(status, None, headers, raw=b"")
        else:
            self.reply(status, obj, headers)

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
            self.reply(503, None, {"Retry-After": "1"}, raw=b"")
        elif fault == "429":
            self.reply(429, None, {"Retry-After": "1"}, raw=b"")
        elif fault == "reset_before":
            self.reset()
        elif fault == "reset_after":
            apply()
            self.reset()
        elif fault == "stall":
            time.sleep(ARGS.stall)
            self.reply(504, None, raw=b"")
        elif fault == "expire":
            with LOCK:
                STATE["tokens"].clear()
                STATE["unauthorized"] += 1
            self.reply(401, None, raw=b"")
        else:
            self.answer(*apply())

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
    p.add_argument("--practice-id", default="195900", help="the athena practice the credentials may write to")
    p.add_argument("--refuse-claims", default="")
    p.add_argument("--odd-claims", default="")
    p.add_argument("--success-bool", action="store_true")
    p.add_argument("--site-id", default="test-site", help="the NextGen installation the credentials belong to")
    p.add_argument("--enterprise-id", default="00001")
    p.add_argument("--nextgen-practice-id", default="0001")
    p.add_argument("--nextgen-prefix", default="/nge/prod")
    p.add_argument("--nextgen-note-path", default="/claims/{claimid}/notes", help="under {prefix}/nge-api/api")
    p.add_argument("--nextgen-note-field", default="noteText")
    p.add_argument("--webhook-token", default="")
    ARGS = p.parse_args()
    if ARGS.gen:
        generate(ARGS.gen, ARGS.gen_start)
        return 0
    if not ARGS.port_file:
        p.error("--port-file is required")
    FAULTS = [f for f in ARGS.faults.split(",") if f]
    STATE["refuse_claims"] = [c for c in ARGS.refuse_claims.split(",") if c]
    STATE["odd_claims"] = [c for c in ARGS.odd_claims.split(",") if c]
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
