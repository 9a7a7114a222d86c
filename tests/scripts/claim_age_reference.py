#!/usr/bin/env python3
"""A small reference model of claim-age(1), written from its man page and
claimkit(7)'s precedence rule, checked against the real tool on generated
claims (amounts exact with Python's fractions, extreme ones included; a
ledger written here with the sqlite3 module).

Usage: claim_age_reference.py BIN_DIR WORK_DIR SEED COUNT
"""
import datetime as dt
import json
import random
import sqlite3
import subprocess
import sys
from fractions import Fraction

BIN, WORK, SEED, COUNT = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
rng = random.Random(SEED)
AS_OF = dt.date(2026, 11, 23)
EDGES = [30, 60, 90, 120]
LABELS = ["0-30", "31-60", "61-90", "91-120", "121+"]
PAYERS = ["P1", "P2", "P3", "P\u00e9"]
CLEARINGHOUSE = "CH1"
FINAL = {"paid", "denied", "finalized"}


# ---- generators ---------------------------------------------------------
def rand_date(lo=dt.date(2025, 6, 1), hi=dt.date(2026, 11, 30)):
    return lo + dt.timedelta(days=rng.randrange((hi - lo).days))


def rand_amount():
    """(JSON text, exact value or None when the tool must reject it, kind)."""
    r = rng.random()
    if r < 0.02:
        return "-1.5", None, "negative_amount"
    if r < 0.04:
        return "1" + "0" * 18, None, "bad_amount"  # 10^18: beyond the range
    if r < 0.06:
        return "0." + "0" * 18 + "1", None, "bad_amount"  # 19th decimal place
    if r < 0.10:
        text = "999999999999999999." + "".join(rng.choice("0123456789") for _ in range(18))
        return text, Fraction(text), None
    if r < 0.14:
        ip = str(rng.randrange(1, 10)) + "".join(rng.choice("0123456789") for _ in range(rng.randrange(10, 18)))
        return ip + ".00", Fraction(ip), None
    if r < 0.17:
        m, e = rng.randrange(1, 100000), rng.randrange(-8, 5)
        text = f"{m}e{e}"
        return text, Fraction(m) * Fraction(10) ** e, None
    ip = str(rng.randrange(0, 100000))
    fd = rng.choice([0, 1, 2, 2, 2, 3, 7, 12, 18])
    fp = "".join(rng.choice("0123456789") for _ in range(fd))
    text = ip + ("." + fp if fd else "")
    return text, Fraction(text), None


def rand_instant():
    """(text, UTC datetime or None when invalid)."""
    d = rand_date(dt.date(2026, 10, 1), dt.date(2026, 11, 30))
    r = rng.random()
    if r < 0.2:
        return d.isoformat(), dt.datetime(d.year, d.month, d.day, tzinfo=dt.timezone.utc)
    t = dt.datetime(d.year, d.month, d.day, rng.randrange(24), rng.randrange(60), rng.randrange(60))
    off = rng.choice([0, 0, 0, -300, 120, 330, -720])
    tz = dt.timezone(dt.timedelta(minutes=off))
    t = t.replace(tzinfo=tz)
    suffix = "Z" if off == 0 and rng.random() < 0.7 else t.strftime("%z")[:3] + ":" + t.strftime("%z")[3:]
    frac = ""
    if rng.random() < 0.2:
        frac = "." + str(rng.randrange(1000)).zfill(3)
        t = t + dt.timedelta(milliseconds=int(frac[1:]))
    return t.strftime("%Y-%m-%dT%H:%M:%S") + frac + suffix, t.astimezone(dt.timezone.utc)


# ---- the model ----------------------------------------------------------
def parse_amount_lenient(text):
    try:
        v = Fraction(text)
    except (ValueError, ZeroDivisionError):
        return Fraction(0)
    if v < 0 or v >= 10**18 or (v * 10**18).denominator != 1:
        return Fraction(0)
    return v


def valid_date(s):
    try:
        return isinstance(s, str) and len(s) == 10 and dt.date.fromisoformat(s)
    except ValueError:
        return None


def bucket_of(age):
    for i, e in enumerate(EDGES):
        if age <= e:
            return i
    return len(EDGES)


def share(part, whole):  # tenths of a percent, half up
    if whole == 0:
        return 0
    return int(Fraction(part) * 1000 / whole + Fraction(1, 2))


def tenths(t):
    return f"{'-' if t < 0 else ''}{abs(t) // 10}.{abs(t) % 10}"


def money(v):
    cents = int(v * 100 + Fraction(1, 2))
    return f"{cents // 100}.{cents % 100:02d}"


def evaluate(rec, spec, ledger):
    """Returns (claim dict) or raises ValueError(kind)."""
    cid = rec["claim_id"]
    row = ledger.get(cid)
    payer = rec.get("payer_id") or (row["payer_id"] if row else "") or ""
    sub = None
    if "submitted_date" in rec:
        sub = valid_date(rec["submitted_date"])
        if not sub:
            raise ValueError("bad_date")
    elif row and valid_date(row.get("submitted_date")):
        sub = valid_date(row["submitted_date"])
    svc = None
    if "service_from" in rec:
        svc = valid_date(rec["service_from"])
        if not svc:
            raise ValueError("bad_date")
    checked = None
    if "last_checked" in rec:
        checked = spec["checked"]
        if checked is None:
            raise ValueError("bad_date")
    coded, first_final, first_denied, status_day = False, False, False, None
    if "statuses" in rec:
        st = rec["statuses"]
        if not isinstance(st, list):
            raise ValueError("bad_field")
        for i, e in enumerate(st):
            if not isinstance(e, dict):
                raise ValueError("bad_field")
            if "effective_date" in e:
                d = valid_date(e["effective_date"])
                if not d:
                    raise ValueError("bad_date")
                status_day = d if status_day is None else max(status_day, d)
            if i == 0 and isinstance(e.get("category"), str):
                first_final = e["category"].startswith("F")
                first_denied = e["category"] == "F2"
            if isinstance(e.get("category"), str) and e["category"]:
                coded = True
    state = rec.get("state", "")
    if row:
        rec_weak = (state in ("", "unknown") or (rec.get("type") == "claim_status" and not coded)
                    or rec.get("incomplete") is True)
        led_weak = row["state"] in ("", "unknown")
        led_at = row["at"]
        if rec_weak != led_weak:
            wins = rec_weak
        else:
            wins = led_at is not None and (checked is None or led_at > checked)
        if wins:
            if row["state"]:
                state = row["state"]
            if led_at is not None:
                checked = led_at
    # Off the work list: paid and finalized; denied claims are work.
    if state:
        finalized = state in FINAL
        done = finalized and state != "denied"
    else:
        finalized = rec.get("type") == "claim_status" and first_final
        done = finalized and not first_denied
        state = "unknown"
    start = sub or svc or status_day
    if start is None:
        raise ValueError("missing_date")
    age = (AS_OF - start).days
    billed = paid = Fraction(0)
    for field in ("billed_amount", "paid_amount"):
        if field in rec:
            if spec[field][1] is None:
                raise ValueError(spec[field][2])
            v = spec[field][1]
        else:
            v = parse_amount_lenient(row[field]) if row and row.get(field) else Fraction(0)
        if field == "billed_amount":
            billed = v
        else:
            paid = v
    # Built-in recheck intervals (claim-age(1), RECHECK INTERVALS): never for
    # a final state, 14 days received, 7 any other.
    interval = None if state in FINAL else 14 if state == "received" else 7
    due = interval is not None and (checked is None or (AS_OF - checked.date()).days > interval)
    return dict(claim_id=cid, payer=payer, state=state, finalized=finalized, done=done, age=age, bucket=bucket_of(age),
                outstanding=max(billed - paid, Fraction(0)), due=due, sub=sub)


def group_csv(claims, key, cards=None):
    groups = {}
    for c in claims:
        groups.setdefault(key(c), []).append(c)
    total = sum((c["outstanding"] for c in claims), Fraction(0))
    head = "payer" if cards is not None else "state"
    lines = [head + ",claims,amount,share" + "".join(f",claims_{l},amount_{l},share_{l}" for l in LABELS)
             + ",over_90_claims,over_90_amount,over_90_share"
             + (",ledger_claims,denial_rate,median_days_to_pay,p90_days_to_pay,not_on_file_share" if cards is not None else "")]

    def line(k, cs, is_total):
        amt = sum((c["outstanding"] for c in cs), Fraction(0))
        cells = [k, str(len(cs)), money(amt), tenths(share(amt, total))]
        for b in range(len(LABELS)):
            bc = [c for c in cs if c["bucket"] == b]
            ba = sum((c["outstanding"] for c in bc), Fraction(0))
            cells += [str(len(bc)), money(ba), tenths(share(ba, amt))]
        oc = [c for c in cs if c["age"] > 90]
        oa = sum((c["outstanding"] for c in oc), Fraction(0))
        cells += [str(len(oc)), money(oa), tenths(share(oa, amt))]
        if cards is not None:
            card = None if is_total else cards.get("" if k == "(none)" else k)
            if card is None:
                cells += [""] * 5
            else:
                cells.append(str(card["claims"]))
                cells.append(tenths(share(card["denied"], card["finalized"])) if card["finalized"] else "")
                d = sorted(card["days"])
                if d:
                    n = len(d)
                    halves = 2 * d[n // 2] if n % 2 else d[n // 2 - 1] + d[n // 2]
                    cells.append(tenths(halves * 5))
                    cells.append(str(d[(n * 9 + 9) // 10 - 1]))
                else:
                    cells += ["", ""]
                cells.append(tenths(share(card["not_found"], card["claims"])) if card["claims"] else "")
        key = cells[0]  # only the group key is text a spreadsheet could run
        cells[0] = "'" + key if key[:1] and key[:1] in "=+-@" else key
        return ",".join(cells)

    for k in sorted(groups, key=lambda s: s.encode()):
        lines.append(line(k, groups[k], False))
    lines.append(line("TOTAL", claims, True))
    return "\r\n".join(lines) + "\r\n"


# ---- generate -------------------------------------------------------------
records, specs, ledger, history = [], {}, {}, []
for i in range(COUNT):
    cid = f"R{i:05d}"
    rec = {"type": "claim_status" if rng.random() < 0.15 else "claim", "claim_id": cid}
    spec = {}
    if rng.random() < 0.9:
        rec["payer_id"] = rng.choice(PAYERS)
    if rng.random() < 0.8:
        rec["submitted_date"] = rand_date().isoformat() if rng.random() > 0.01 else "2026-02-30"
    if rng.random() < 0.7 or "submitted_date" not in rec:
        rec["service_from"] = rand_date().isoformat() if rng.random() > 0.01 else "2025-13-01"
    if rng.random() < 0.95:
        spec["billed_amount"] = rand_amount()
        rec["billed_amount"] = spec["billed_amount"][0]
    if rng.random() < 0.3:
        spec["paid_amount"] = rand_amount()
        rec["paid_amount"] = spec["paid_amount"][0]
    if rng.random() < 0.6:
        rec["state"] = rng.choice(["pending", "pending", "paid", "denied", "unknown", "received", "needs_info"])
    if rng.random() < 0.6:
        text, at = rand_instant()
        if rng.random() < 0.02:
            text, at = text + "junk", None
        rec["last_checked"] = text
        spec["checked"] = at
    if rng.random() < 0.05:
        rec["incomplete"] = True
    if rec["type"] == "claim_status" or rng.random() < 0.05:
        r = rng.random()
        if r < 0.03:
            rec["statuses"] = {"category": "F1"}  # wrong type
        else:
            sts = []
            for _ in range(rng.randrange(0, 3)):
                e = {}
                if rng.random() < 0.8:
                    e["category"] = rng.choice(["F1", "F2", "P1", "A1"])
                if rng.random() < 0.5:
                    e["effective_date"] = rand_date().isoformat() if rng.random() > 0.03 else "2026-04-31"
                sts.append(e)
            rec["statuses"] = sts
    records.append(rec)
    specs[cid] = spec
    if rng.random() < 0.5:
        at_text, at = rand_instant()
        if not at_text.endswith("Z") and "T" in at_text:
            at_text = at.strftime("%Y-%m-%dT%H:%M:%S") + "Z"
            at = at.replace(microsecond=0)
        if rng.random() < 0.1 and "last_checked" in rec and spec.get("checked") is not None:
            # The same instant as the record's check: the record wins the tie.
            at = spec["checked"].replace(microsecond=0)
            at_text = at.strftime("%Y-%m-%dT%H:%M:%S") + "Z"
            rec["last_checked"] = at_text
            spec["checked"] = at
        row = {"state": rng.choice(["pending", "paid", "paid", "denied", "not_found", "unknown", "received"]),
               "payer_id": rng.choice(PAYERS + [CLEARINGHOUSE]), "last_checked": at_text, "at": at,
               "submitted_date": rand_date().isoformat() if rng.random() < 0.3 else None,
               "billed_amount": rng.choice([None, "125.5", "0.0049995", "oops"]),
               "paid_amount": rng.choice([None, None, "25"]), "effective_date": None}
        ledger[cid] = row
# Claims only the ledger knows.
for i in range(COUNT // 10):
    at_text, at = rand_instant()
    ledger[f"L{i:05d}"] = {"state": rng.choice(["pending", "paid", "denied", "not_found"]),
                           "payer_id": rng.choice(PAYERS + [CLEARINGHOUSE]), "last_checked": "2026-11-01T00:00:00Z",
                           "at": None, "submitted_date": rand_date().isoformat(), "billed_amount": None,
                           "paid_amount": None, "effective_date": None}
for cid, row in ledger.items():
    n = 0
    for st in (["not_found"] if rng.random() < 0.2 else []) + [row["state"]]:
        eff = rand_date().isoformat() if rng.random() < 0.8 else None
        history.append((f"{cid}-{n}", cid, row["payer_id"], st, eff, "2026-11-02T10:00:00Z"))
        n += 1

with open(f"{WORK}/claims.ndjson", "w") as f:
    for rec in records:
        s = json.dumps(rec, ensure_ascii=False, separators=(",", ":"))
        for field in ("billed_amount", "paid_amount"):  # amounts as JSON numbers, digits as written
            if field in rec:
                s = s.replace(f'"{field}":"{rec[field]}"', f'"{field}":{rec[field]}', 1)
        f.write(s + "\n")
db = sqlite3.connect(f"{WORK}/ledger.db")
db.executescript("""
CREATE TABLE claims (claim_id TEXT PRIMARY KEY, payer_id TEXT, payer_claim_id TEXT, state TEXT NOT NULL,
  category TEXT, code TEXT, effective_date TEXT, channel TEXT, action TEXT, queue TEXT, billed_amount TEXT,
  paid_amount TEXT, submitted_date TEXT, last_checked TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE status_history (id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, claim_id TEXT NOT NULL,
  payer_id TEXT, state TEXT NOT NULL, effective_date TEXT, submitted_date TEXT, written_at TEXT NOT NULL);
""")
for cid, r in ledger.items():
    db.execute("INSERT INTO claims (claim_id, payer_id, state, billed_amount, paid_amount, submitted_date,"
               " last_checked, updated_at) VALUES (?,?,?,?,?,?,?,?)",
               (cid, r["payer_id"], r["state"], r["billed_amount"], r["paid_amount"], r["submitted_date"],
                r["last_checked"], r["last_checked"]))
for h in history:
    db.execute("INSERT INTO status_history (key, claim_id, payer_id, state, effective_date, written_at)"
               " VALUES (?,?,?,?,?,?)", h)
db.commit()
db.close()
for cid, r in ledger.items():  # ledger-only rows have times the model reads too
    if r["at"] is None:
        r["at"] = dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc)

# ---- model results ---------------------------------------------------------
good, rejected = [], {}
for rec in records:
    try:
        good.append(evaluate(rec, specs[rec["claim_id"]], ledger))
    except ValueError as e:
        rejected[rec["claim_id"]] = str(e)
read = {c["claim_id"]: c for c in good}
cards = {}
first_paid = {}
for key, cid, payer, st, eff, written in history:
    if st == "paid" and cid not in first_paid:
        first_paid[cid] = dt.date.fromisoformat(eff) if eff else dt.date(2026, 11, 2)
for cid, r in ledger.items():
    c = read.get(cid)
    payer = c["payer"] if c and c["payer"] else r["payer_id"]
    card = cards.setdefault(payer, {"claims": 0, "finalized": 0, "denied": 0, "not_found": 0, "days": []})
    card["claims"] += 1
    if r["state"] in FINAL:
        card["finalized"] += 1
        card["denied"] += r["state"] == "denied"
    if any(h[1] == cid and h[3] == "not_found" for h in history) or r["state"] == "not_found":
        card["not_found"] += 1
    sub = c["sub"] if c and c["sub"] else (valid_date(r["submitted_date"]) or None)
    if cid in first_paid and sub:
        card["days"].append((first_paid[cid] - sub).days)


def run(*args):
    p = subprocess.run([f"{BIN}/claim-age", "--as-of", AS_OF.isoformat(), "--ledger", f"{WORK}/ledger.db",
                        "--errors", f"{WORK}/errors.ndjson", *args, f"{WORK}/claims.ndjson"],
                       capture_output=True)
    if p.returncode not in (0, 1) or (p.returncode == 1) != bool(rejected):
        sys.exit(f"FAIL: claim-age {' '.join(args)} exit {p.returncode}: {p.stderr.decode()[:500]}")
    return p.stdout.decode()


failures = []


def check(what, got, want):
    if got != want:
        failures.append(what)
        print(f"FAIL: {what}")
        if isinstance(got, dict):
            diff = sorted(k for k in set(got) | set(want) if got.get(k) != want.get(k))[:5]
            for k in diff:
                print(f"  {k}: claim-age {got.get(k)!r}, model {want.get(k)!r}")
        else:
            for a, b in zip(got.split("\n"), want.split("\n")):
                if a != b:
                    print(f"  claim-age: {a!r}\n  model:     {b!r}")
                    break


out = run()
got = {}
for line in out.splitlines():
    r = json.loads(line)
    got[r["claim_id"]] = (r["age_days"], r["bucket"], r["due"])
want = {c["claim_id"]: (c["age"], LABELS[c["bucket"]], c["due"]) for c in good if not c["done"]}
check("open claims, ages, buckets, due", got, want)
errs = {}
with open(f"{WORK}/errors.ndjson") as f:
    for line in f:
        e = json.loads(line)
        errs[e["record"]["claim_id"]] = e["kind"]
check("rejections", errs, rejected)

# --min-amount compares exactly, on a threshold taken from a real amount.
amounts = sorted({c["outstanding"] for c in good if c["outstanding"] > 0})
for thr in [amounts[len(amounts) // 2], amounts[-1], Fraction(3, 10) + Fraction(1, 10**7)]:
    text = format(thr.numerator // thr.denominator) if thr.denominator == 1 else None
    if text is None:
        q = thr * 10**18
        text = f"{q.numerator // 10**18}.{q.numerator % 10**18:018d}"
    out = run("--all", "--min-amount", text)
    got = sorted(json.loads(l)["claim_id"] for l in out.splitlines())
    check(f"--min-amount {text}", got, sorted(c["claim_id"] for c in good if c["outstanding"] >= thr))

check("summary by state", run("--all", "--summary", "--by", "state", "--format", "csv"),
      group_csv(good, lambda c: c["state"]))
check("summary by payer with scorecard", run("--all", "--summary", "--by", "payer", "--format", "csv"),
      group_csv(good, lambda c: c["payer"] or "(none)", cards))
open_claims = [c for c in good if not c["done"]]
check("open summary by payer", run("--summary", "--by", "payer", "--format", "csv"),
      group_csv(open_claims, lambda c: c["payer"] or "(none)", cards))
print(f"{len(records)} claims ({len(rejected)} rejected, {len(ledger)} ledger rows): "
      f"{'FAIL' if failures else 'ok'}")
sys.exit(1 if failures else 0)
