-- The part of the pm-push ledger schema claim-age reads, with synthetic rows.
PRAGMA user_version = 1;
CREATE TABLE claims (claim_id TEXT PRIMARY KEY, payer_id TEXT, payer_claim_id TEXT, state TEXT NOT NULL,
  category TEXT, code TEXT, effective_date TEXT, channel TEXT, action TEXT, queue TEXT, billed_amount TEXT,
  paid_amount TEXT, submitted_date TEXT, last_checked TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE status_history (id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, claim_id TEXT NOT NULL,
  payer_id TEXT, state TEXT NOT NULL, category TEXT, code TEXT, entity TEXT, effective_date TEXT, channel TEXT,
  source_file TEXT, interchange TEXT, group_control TEXT, transaction_control TEXT, payer_claim_id TEXT,
  reference TEXT, action TEXT, queue TEXT, billed_amount TEXT, paid_amount TEXT, submitted_date TEXT,
  regressed INTEGER NOT NULL DEFAULT 0, written_at TEXT NOT NULL, tool_version TEXT NOT NULL);
CREATE INDEX status_history_claim ON status_history(claim_id, id);

INSERT INTO claims (claim_id, payer_id, state, category, code, effective_date, channel, billed_amount, paid_amount,
                    submitted_date, last_checked, updated_at) VALUES
  ('LJ-CHECKED', 'PAYA', 'pending', 'A2', '20', '2026-11-18', 'x12', '250.00', NULL, '2026-10-01',
   '2026-11-20T09:00:00Z', '2026-11-20T09:00:00Z'),
  ('LJ-STALE', 'PAYA', 'pending', 'P1', '20', '2026-11-01', 'x12', '90.00', NULL, '2026-10-01',
   '2026-11-02T09:00:00Z', '2026-11-02T09:00:00Z'),
  ('LJ-PAID', 'PAYB', 'paid', 'F1', '65', '2026-11-10', 'api', '400.00', '400.00', '2026-09-15',
   '2026-11-12T16:30:00Z', '2026-11-12T16:30:00Z'),
  ('LJ-STATUS', 'PAYC', 'needs_info', 'P2', '252', '2026-11-05', 'x12', '1300.00', '0.00', '2026-09-01',
   '2026-11-21T11:00:00Z', '2026-11-21T11:00:00Z'),
  ('LJ-OLDER', 'PAYA', 'pending', 'P1', '20', '2026-10-20', 'x12', '75.00', NULL, '2026-10-10',
   '2026-10-20T08:00:00Z', '2026-10-20T08:00:00Z');
