-- A ledger as pm-push 0.1.0 made it (schema version 1), with its rows.
CREATE TABLE claims (
  claim_id        TEXT PRIMARY KEY,
  payer_id        TEXT,
  payer_claim_id  TEXT,
  state           TEXT NOT NULL,
  category        TEXT,
  code            TEXT,
  effective_date  TEXT,
  channel         TEXT,
  action          TEXT,
  queue           TEXT,
  billed_amount   TEXT,
  paid_amount     TEXT,
  submitted_date  TEXT,
  last_checked    TEXT NOT NULL,
  updated_at      TEXT NOT NULL
);
CREATE TABLE status_history (
  id              INTEGER PRIMARY KEY,
  key             TEXT NOT NULL UNIQUE,
  claim_id        TEXT NOT NULL,
  payer_id        TEXT,
  state           TEXT NOT NULL,
  category TEXT, code TEXT, entity TEXT, effective_date TEXT, channel TEXT,
  source_file TEXT, interchange TEXT, group_control TEXT, transaction_control TEXT,
  payer_claim_id TEXT, reference TEXT, action TEXT, queue TEXT,
  billed_amount TEXT, paid_amount TEXT, submitted_date TEXT,
  regressed       INTEGER NOT NULL DEFAULT 0,
  written_at      TEXT NOT NULL,
  tool_version    TEXT NOT NULL
);
CREATE INDEX status_history_claim ON status_history(claim_id, id);
CREATE TABLE ledger_meta (
  name  TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
INSERT INTO ledger_meta VALUES ('ledger_id', 'a0a1a2a3a4a5a6a7a8a9aaabacadaeaf');
INSERT INTO claims (claim_id, payer_id, state, category, code, effective_date, channel, action, queue,
  billed_amount, last_checked, updated_at)
  VALUES ('PCN-90001', 'NW001', 'pending', 'P1', '20', '2026-02-10', 'x12', 'wait', 'follow-up', '310.00',
          '2026-02-11T06:00:00Z', '2026-02-11T06:00:00Z');
INSERT INTO status_history (key, claim_id, payer_id, state, category, code, effective_date, channel,
  billed_amount, written_at, tool_version)
  VALUES ('ck1-00000000000000000000000000000001', 'PCN-90001', 'NW001', 'pending', 'P1', '20', '2026-02-10',
          'x12', '310.00', '2026-02-11T06:00:00Z', '0.1.0');
PRAGMA user_version = 1;
