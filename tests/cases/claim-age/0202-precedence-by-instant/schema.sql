CREATE TABLE claims (claim_id TEXT PRIMARY KEY, payer_id TEXT, payer_claim_id TEXT, state TEXT NOT NULL,
  category TEXT, code TEXT, effective_date TEXT, channel TEXT, action TEXT, queue TEXT, billed_amount TEXT,
  paid_amount TEXT, submitted_date TEXT, last_checked TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE status_history (id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, claim_id TEXT NOT NULL,
  payer_id TEXT, state TEXT NOT NULL, effective_date TEXT, written_at TEXT NOT NULL, submitted_date TEXT);
-- A morning sweep wrote "paid"; the afternoon export says pending.
INSERT INTO claims (claim_id, payer_id, state, last_checked, updated_at) VALUES
 ('T1', 'A', 'paid', '2026-11-20T09:00:00Z', '2026-11-20T09:00:00Z'),
-- The ledger checked later the same day: it wins.
 ('T2', 'A', 'paid', '2026-11-20T18:00:00Z', '2026-11-20T18:00:00Z'),
-- Same instant written with another offset: a tie, the record wins.
 ('T3', 'A', 'denied', '2026-11-20T15:00:00Z', '2026-11-20T15:00:00Z'),
-- A date-only record check is 00:00:00Z: the ledger's morning check is later.
 ('T4', 'A', 'denied', '2026-11-20T01:00:00Z', '2026-11-20T01:00:00Z'),
-- Weak records never override a strong ledger row, however late.
 ('T5', 'A', 'denied', '2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z'),
 ('T6', 'A', 'denied', '2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z'),
 ('T7', 'A', 'denied', '2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z'),
-- A weak ledger row never overrides a strong record, however late.
 ('T8', 'A', 'unknown', '2026-11-22T00:00:00Z', '2026-11-22T00:00:00Z');
