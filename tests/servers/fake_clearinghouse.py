#!/usr/bin/env python3
"""A loopback fake clearinghouse for claim-query submit tests, written from
the vendors' published contracts (not from claimkit's code):

  Optum  "Medical Network Claim Status V2" OpenAPI document and "Security and
         Authorization v2" OpenAPI document (public copies:
         github.com/api-evangelist/optum, openapi/_original/
         optum-medical-network-claim-status-v2.json and
         optum-security-and-authorization-v2.json)
  Stedi  "Real-time claim status" OpenAPI document (github.com/api-evangelist/
         stedi, openapi/stedi-real-time-claim-status-api-openapi.yml; the
         warnings[] member from openapi/_original/stedi-healthcare-openapi.yml)
         and its API reference for POST /2024-04-01/change/medicalnetwork/
         claimstatus/v2 (https://www.stedi.com/docs/healthcare/api-reference/
         post-healthcare-claim-status).

Routes (paths as the documents give them):
  optum: POST /apip/auth/v2/token (JSON body, or the form body of RFC 6749,
         which the document says it follows); POST /medicalnetwork/
         claimstatus/v2/ with "Authorization: Bearer <token>".
  stedi: POST /2024-04-01/change/medicalnetwork/claimstatus/v2 with
         "Authorization: <api key>"; a wrong key is 403 AccessDenied.
  both:  GET /stats (what the fake saw).

Requests are checked against the request schema: content type
application/json, required members, members the schema does not list,
lengths, patterns and enums (Stedi's are stricter: npi ^\\d{10}$, taxId
^\\d{9}$, gender M|F, dates CCYYMMDD, exactly one BillingProvider, each
provider with npi, taxId or etin). A refused request gets the vendor's error
shape (Optum: errorResponse; Stedi: ValidationException {code, message}) with
HTTP 400 and is counted in /stats "invalid" (with the field in
"invalid_fields").

Every answer body below is written for these tests in the documented shapes;
names and numbers are synthetic.

Faults are scripted per claim (encounter.trackingNumber) and attempt:
  --fault C0003=500,503        1st attempt 500, 2nd 503 (Retry-After: 1), then ok
Words: ok, 500, 502, 503 (Retry-After: 1), 503date (Retry-After as an
HTTP-date), 429 (Retry-After: 1), drop (connection closed unanswered), slow
(answers after --slow-seconds), 400 (the flavour's validation error), 404,
403, multi (three claims: the one asked for, another claim, one named only by
its patient account number), unnamed (one claim that names no claim),
mismatch (one claim with another trackingNumber), errorresponse (HTTP 200,
errorResponse and no claims), ack999 (HTTP 200, the 999 fields of a rejected
request, no claims), warnings (claims and Stedi's warnings[]).
Other faults: --unauthorized-at N (optum: the N-th status request finds its
token revoked: 401), --forbidden-at N (from the N-th status request on, every
one is refused with 403), --down-after N (every status request after the
N-th gets --down-mode: 503 or drop).
"""

import argparse
import datetime
import email.utils
import json
import os
import re
import socket
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

OPTUM_STATUS_PATH = "/medicalnetwork/claimstatus/v2/"
OPTUM_TOKEN_PATH = "/apip/auth/v2/token"
STEDI_STATUS_PATH = "/2024-04-01/change/medicalnetwork/claimstatus/v2"

LOCK = threading.Lock()
STATS = {
    "tokens_issued": 0,
    "token_requests": 0,
    "status_requests": 0,
    "unauthorized": 0,
    "forbidden": 0,
    "invalid": 0,
    "invalid_fields": [],
    "connections": 0,
    "status_connections": 0,
    "in_flight": 0,
    "max_in_flight": 0,
    "per_claim": {},
    "authorized_per_claim": {},
    "answers": {},
    "requests": [],
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


# ---- the request schema -------------------------------------------------
# Each schema: {member: (kind, rule)}; kind "s" string, "o" object (rule is
# the sub-schema), "a" array of objects (rule is the item schema), "as" array
# of strings. Rules for strings: dict with min/max/pattern/enum.

DATE = r"^\d{4}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])$"


def member_schema(flavour, with_member_id):
    s = {
        "firstName": ("s", {"min": 1, "max": 35}),
        "lastName": ("s", {"min": 1, "max": 60}),
        "gender": ("s", {"enum": ["M", "F"] if flavour == "stedi" else ["M", "F", "U"]}),
        "dateOfBirth": ("s", {"pattern": DATE}),
        "groupNumber": ("s", {"min": 1, "max": 50}),
    }
    if flavour == "stedi":
        s["suffix"] = ("s", {"min": 1, "max": 10})
    if with_member_id:
        s["memberId"] = ("s", {"min": 2, "max": 80})
    return s


def request_schema(flavour):
    stedi = flavour == "stedi"
    provider = {
        "organizationName": ("s", {"min": 1, "max": 60}),
        "firstName": ("s", {"min": 1, "max": 35}),
        "lastName": ("s", {"min": 1, "max": 60}),
        "npi": ("s", {"pattern": r"^\d{10}$"} if stedi else {"min": 2, "max": 80}),
        "spn": ("s", {"min": 2, "max": 80}),
        "tin": ("s", {"min": 2, "max": 80}),
        "taxId": ("s", {"pattern": r"^\d{9}$"} if stedi else {"min": 2, "max": 80}),
        "etin": ("s", {"min": 2, "max": 80}),
        "providerType": ("s", {"enum": ["BillingProvider", "ServiceProvider"]}),
    }
    encounter = {
        "beginningDateOfService": ("s", {"pattern": DATE}),
        "endDateOfService": ("s", {"pattern": DATE}),
        "trackingNumber": ("s", {"min": 1, "max": 50}),
        "tradingPartnerClaimNumber": ("s", {"min": 1, "max": 50}),
        "locationIdentifier": ("s", {"min": 1, "max": 50}),
        "billingType": ("s", {"min": 1, "max": 50}),
        "patientAccountNumber": ("s", {"min": 1, "max": 50}),
        "pharmacyPrescriptionNumber": ("s", {"min": 1, "max": 50}),
        "clearingHouseClaimNumber": ("s", {"min": 1, "max": 50}),
        "submittedAmount": ("s", {"min": 1, "max": 18}),
    }
    line = {
        "productOrServiceIDQualifier": ("s", {"enum": ["AD", "ER", "HC", "HP", "IV", "N4", "NU", "WK"]}),
        "procedureCode": ("s", {}),
        "procedureModifiers": ("as", {}),
        "lineItemChargeAmount": ("s", {}),
        "revenueCode": ("s", {}),
        "unitsOfServiceCount": ("s", {}),
        "lineItemControlNumber": ("s", {}),
        "serviceLineDate": ("s", {"pattern": DATE} if stedi else {}),
        "serviceLineEndDate": ("s", {"pattern": DATE} if stedi else {}),
    }
    top = {
        "controlNumber": ("s", {"min": 9, "max": 9}),
        "tradingPartnerName": ("s", {}),
        "tradingPartnerServiceId": ("s", {"min": 2, "max": 80}),
        "providers": ("a", provider),
        "subscriber": ("o", member_schema(flavour, True)),
        "dependent": ("o", member_schema(flavour, False)),
        "encounter": ("o", encounter),
        "serviceLineInformation": ("o", line),
    }
    if stedi:
        top["serviceLinesInformation"] = ("a", line)
    return top


REQUIRED = {
    "optum": {"": ["controlNumber", "providers", "subscriber"], "providers": ["providerType"],
              "subscriber": ["firstName", "lastName", "memberId"], "dependent": ["firstName", "lastName"]},
    "stedi": {"": ["providers", "subscriber", "tradingPartnerServiceId"], "providers": ["providerType"],
              "subscriber": ["firstName", "lastName", "memberId"], "dependent": ["firstName", "lastName"]},
}


class Invalid(Exception):
    def __init__(self, field, why):
        super().__init__("%s: %s" % (field, why))
        self.field = field
        self.why = why


def check_string(path, value, rule):
    if not isinstance(value, str):
        raise Invalid(path, "must be a string")
    if "min" in rule and len(value) < rule["min"]:
        raise Invalid(path, "shorter than %d" % rule["min"])
    if "max" in rule and len(value) > rule["max"]:
        raise Invalid(path, "longer than %d" % rule["max"])
    if "pattern" in rule and not re.search(rule["pattern"], value):
        raise Invalid(path, "does not match %s" % rule["pattern"])
    if "enum" in rule and value not in rule["enum"]:
        raise Invalid(path, "not one of %s" % ",".join(rule["enum"]))


def check_object(path, obj, schema, required):
    if not isinstance(obj, dict):
        raise Invalid(path or "body", "must be an object")
    key = path.split("[")[0].split(".")[-1] if path else ""
    for r in required.get(key, []):
        if r not in obj:
            raise Invalid((path + "." if path else "") + r, "required")
    for k, v in obj.items():
        p = (path + "." if path else "") + k
        if k not in schema:
            raise Invalid(p, "not a member of the schema")
        kind, rule = schema[k]
        if kind == "s":
            check_string(p, v, rule)
        elif kind == "o":
            check_object(p, v, rule, required)
        elif kind == "as":
            if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
                raise Invalid(p, "must be an array of strings")
        elif kind == "a":
            if not isinstance(v, list) or not v:
                raise Invalid(p, "must be a non-empty array")
            for i, item in enumerate(v):
                check_object("%s[%d]" % (p, i), item, rule, required)


def valid_calendar_date(s):
    try:
        datetime.date(int(s[0:4]), int(s[4:6]), int(s[6:8]))
        return True
    except ValueError:
        return False


def validate(req, flavour):
    check_object("", req, request_schema(flavour), REQUIRED[flavour])
    for p, d in (("subscriber.dateOfBirth", req.get("subscriber", {}).get("dateOfBirth")),
                 ("dependent.dateOfBirth", req.get("dependent", {}).get("dateOfBirth")),
                 ("encounter.beginningDateOfService", req.get("encounter", {}).get("beginningDateOfService")),
                 ("encounter.endDateOfService", req.get("encounter", {}).get("endDateOfService"))):
        if d is not None and not (re.search(DATE, d) and valid_calendar_date(d)):
            raise Invalid(p, "not a CCYYMMDD date")
    if flavour == "stedi":
        billing = [p for p in req["providers"] if p.get("providerType") == "BillingProvider"]
        if len(billing) != 1:
            raise Invalid("providers", "exactly one BillingProvider is required")
        for i, p in enumerate(req["providers"]):
            if not any(k in p for k in ("npi", "taxId", "etin")):
                raise Invalid("providers[%d]" % i, "needs npi, taxId or etin")
        if "dependent" in req and "dateOfBirth" not in req["dependent"]:
            raise Invalid("dependent.dateOfBirth", "required for a dependent")

        # Delimiters are refused: the JSON becomes X12.
        def walk(path, v):
            if isinstance(v, dict):
                for k, x in v.items():
                    walk(path + "." + k, x)
            elif isinstance(v, list):
                for i, x in enumerate(v):
                    walk("%s[%d]" % (path, i), x)
            elif isinstance(v, str) and re.search(r"[~*:^]", v):
                raise Invalid(path.lstrip("."), "contains an X12 delimiter")
        walk("", req)


# ---- answers ------------------------------------------------------------

def status_block(flavour, req, tracking, **extra):
    enc = req.get("encounter", {})
    begin = enc.get("beginningDateOfService", "")
    end = enc.get("endDateOfService", begin)
    iso = flavour == "stedi"  # Stedi gives its status dates as YYYY-MM-DD
    d = (lambda s: "%s-%s-%s" % (s[0:4], s[4:6], s[6:8])) if iso else (lambda s: s)
    st = {
        "statusCategoryCode": "F1",
        "statusCategoryCodeValue": "synthetic category text",
        "statusCode": "65",
        "statusCodeValue": "synthetic status text",
        "entityCode": "PR",
        "effectiveDate": d("20260115"),
        "submittedAmount": enc.get("submittedAmount", "100.00"),
        "amountPaid": "80.00",
        "paidDate": d("20260114"),
        "checkIssueDate": d("20260117"),
        "checkNumber": "CHK0042",
        "trackingNumber": tracking,
        "patientAccountNumber": enc.get("patientAccountNumber", "PA-" + tracking),
        "tradingPartnerClaimNumber": "PCN" + tracking,
        "clearingHouseClaimNumber": "CH" + tracking,
        "claimServiceDate": begin if begin == end else begin + "-" + end,
    }
    if flavour == "optum":  # only Optum's schema lists the STC10 / STC11 members
        st.update({"secondaryStatusCategoryCode": "F1", "secondaryStatusCode": "107",
                   "secondaryEntityCode": "PR", "tertiaryStatusCategoryCode": "F0", "tertiaryStatusCode": "3"})
    for k, v in extra.items():
        if v is None:
            st.pop(k, None)
        else:
            st[k] = v
    return st


def service_details(flavour):
    svc = {"procedureId": "99213", "serviceIdQualifierCode": "HC", "serviceIdQualifier": "synthetic qualifier text",
           "submittedAmount": "120.50", "amountPaid": "80.00", "revenueCode": "0450", "submittedUnits": "1"}
    if flavour == "stedi":
        svc["procedureModifiers"] = ["25"]
    line_status = {"statusCategoryCode": "F1", "statusCode": "65",
                   "effectiveDate": "2026-01-15" if flavour == "stedi" else "20260115"}
    return [{"service": svc, "status": [line_status]}]


def answer(req, flavour, claims):
    sub = req.get("subscriber", {})
    out = {
        "controlNumber": req.get("controlNumber", "000000001"),
        "tradingPartnerServiceId": req.get("tradingPartnerServiceId", ""),
        "payer": {"organizationName": "SYNTHETIC HEALTH PLAN",
                  "payerIdentification": req.get("tradingPartnerServiceId", "")},
        "providers": req.get("providers", []),
        "subscriber": {k: sub[k] for k in ("memberId", "firstName", "lastName") if k in sub},
        "claims": claims,
        "reassociationKey": "000000777",
    }
    if "dependent" in req:
        dep = req["dependent"]
        out["dependent"] = {k: dep[k] for k in ("firstName", "lastName") if k in dep}
    out["meta"] = {"applicationMode": "production", "traceId": "trace-" + req["encounter"]["trackingNumber"]}
    return out


def error_detail(field, code):
    return {"field": field, "value": "SYNTHETIC-VALUE", "code": code, "description": "synthetic description",
            "location": "Loop 2100D", "followupAction": "Please Correct and Resubmit"}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fake-clearinghouse/2"

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
        opts = self.server.opts
        if opts.flavour == "optum" and self.path == OPTUM_TOKEN_PATH:
            return self.token(body)
        status_path = OPTUM_STATUS_PATH if opts.flavour == "optum" else STEDI_STATUS_PATH
        if self.path == status_path:
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
        try:
            if ctype.startswith("application/json"):
                form = json.loads(body or b"{}")
            elif ctype.startswith("application/x-www-form-urlencoded"):
                form = {k: v[0] for k, v in urllib.parse.parse_qs(body.decode()).items()}
            else:
                return self.send_json(400, {"error": "invalid_request"})
        except ValueError:
            return self.send_json(400, {"error": "invalid_request"})
        if form.get("grant_type") != "client_credentials":
            return self.send_json(400, {"error": "unsupported_grant_type"})
        if form.get("client_id") != opts.client_id or form.get("client_secret") != opts.client_secret:
            return self.send_json(401, {"error": "invalid_client", "error_description": "synthetic"})
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

    def refuse(self, field, why, code="INVALID_VALUE"):
        with LOCK:
            STATS["invalid"] += 1
            STATS["invalid_fields"].append(field)
        if self.server.opts.flavour == "stedi":
            return self.send_json(400, {"code": "ValidationException", "message": "%s: %s" % (field, why)})
        return self.send_json(400, {"errorResponse": {
            "code": "INVALIDMISSINGINPUTDATA", "description": "synthetic description",
            "errors": [{"field": field, "code": code, "description": why, "location": field}]}})

    def forbidden(self):
        count("forbidden")
        return self.send_json(403, {"code": "AccessDeniedException", "message": "synthetic: access denied"})

    def claim_status(self, body):
        opts = self.server.opts
        n = count("status_requests")
        with LOCK:
            STATUS_CONNECTIONS.add(id(self))
            STATS["status_connections"] = len(STATUS_CONNECTIONS)
        if opts.forbidden_at and n >= opts.forbidden_at:
            return self.forbidden()
        if opts.unauthorized_at and n >= opts.unauthorized_at and not STATE["revoked_once"]:
            with LOCK:
                STATE["revoked_once"] = True
                VALID_TOKENS.clear()
        if not self.authorized():
            if opts.flavour == "stedi":
                return self.forbidden()
            count("unauthorized")
            return self.send_json(401, {"message": "Unauthorized"})
        if not self.headers.get("Content-Type", "").startswith("application/json"):
            with LOCK:
                STATS["invalid"] += 1
                STATS["invalid_fields"].append("Content-Type")
            return self.send_json(415, {"message": "unsupported media type"})
        try:
            req = json.loads(body)
        except ValueError:
            return self.refuse("body", "not JSON")
        try:
            validate(req, opts.flavour)
        except Invalid as e:
            return self.refuse(e.field, e.why)
        tracking = req.get("encounter", {}).get("trackingNumber", "")
        with LOCK:
            STATS["requests"].append(req) if len(STATS["requests"]) < 50 else None
        count("per_claim", tracking)
        # Scripted faults apply to authorized, valid attempts only.
        attempt = count("authorized_per_claim", tracking)
        if opts.down_after and n > opts.down_after:
            word = opts.down_mode
        else:
            script = self.server.faults.get(tracking, [])
            word = script[attempt - 1] if attempt <= len(script) else "ok"
        count("answers", word)
        return self.scripted(word, req, tracking)

    def scripted(self, word, req, tracking):
        opts = self.server.opts
        fl = opts.flavour
        if word in ("500", "502"):
            return self.send_json(int(word), {"code": "InternalFailureException", "message": "synthetic"})
        if word == "503":
            return self.send_json(503, {"message": "unavailable"}, {"Retry-After": "1"})
        if word == "503date":
            when = email.utils.formatdate(time.time() + 2, usegmt=True)
            return self.send_json(503, {"message": "unavailable"}, {"Retry-After": when})
        if word == "429":
            return self.send_json(429, {"code": "ThrottlingException", "message": "synthetic"}, {"Retry-After": "1"})
        if word == "drop":
            return self.drop()
        if word == "slow":
            time.sleep(opts.slow_seconds)
        if word == "400":
            return self.refuse("subscriber.memberId", "synthetic refusal", code="72")
        if word == "404":
            return self.send_json(404, {"code": "ResourceNotFoundException", "message": "synthetic"})
        if word == "403":
            return self.forbidden()
        if word == "errorresponse":
            return self.send_json(200, {"controlNumber": req.get("controlNumber", ""), "errorResponse": {
                "code": "PAYERNOTRESPONDING", "description": "synthetic description",
                "transactionIdentifier": {"transactionId": "T1"},
                "errors": [error_detail("subscriber.memberId", "75"), error_detail("subscriber.dateOfBirth", "58")]}})
        if word == "ack999":
            return self.send_json(200, {"controlNumber": req.get("controlNumber", ""),
                                        "transactionSetAcknowledgement": "R",
                                        "implementationTransactionSetSyntaxError": "5",
                                        "meta": {"traceId": "trace-" + tracking}})
        if word == "multi":
            claims = [
                {"claimStatus": status_block(fl, req, tracking), "serviceDetails": service_details(fl)},
                {"claimStatus": status_block(fl, req, "OTHER-" + tracking, patientAccountNumber="ACCT-OTHER",
                                             statusCategoryCode="F2", statusCode="88", amountPaid="0")},
                {"claimStatus": status_block(fl, req, "", trackingNumber=None, patientAccountNumber="ACCT-THIRD",
                                             tradingPartnerClaimNumber="PCN-THIRD", statusCategoryCode="A1",
                                             statusCode="20")},
            ]
            return self.send_json(200, answer(req, fl, claims))
        if word == "unnamed":
            st = status_block(fl, req, "", trackingNumber=None, patientAccountNumber=None,
                              tradingPartnerClaimNumber=None, clearingHouseClaimNumber=None)
            return self.send_json(200, answer(req, fl, [{"claimStatus": st}]))
        if word == "mismatch":
            st = status_block(fl, req, tracking + "X", patientAccountNumber="ACCT-ELSE",
                              tradingPartnerClaimNumber="PCN-ELSE")
            return self.send_json(200, answer(req, fl, [{"claimStatus": st}]))
        body = answer(req, fl, [{"claimStatus": status_block(fl, req, tracking), "serviceDetails": service_details(fl)}])
        if word == "warnings":
            body["warnings"] = [{"code": "W100", "description": "synthetic warning text"}]
        return self.send_json(200, body)


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
    ap.add_argument("--forbidden-at", type=int, default=0)
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
