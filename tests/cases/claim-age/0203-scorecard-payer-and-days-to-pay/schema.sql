CREATE TABLE claims (claim_id TEXT PRIMARY KEY, payer_id TEXT, payer_claim_id TEXT, state TEXT NOT NULL,
  category TEXT, code TEXT, effective_date TEXT, channel TEXT, action TEXT, queue TEXT, billed_amount TEXT,
  paid_amount TEXT, submitted_date TEXT, last_checked TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE status_history (id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, claim_id TEXT NOT NULL,
  payer_id TEXT, state TEXT NOT NULL, effective_date TEXT, written_at TEXT NOT NULL, submitted_date TEXT);
-- S1 and S2 were only acknowledged by the clearinghouse (277CA, NM1*AY SCH0001): they count for
-- the claims' payer 60054. S3-S6 were paid by 60054; S6's payment is dated before its submission.
-- X1 is a claim of a payer with no claim in the input: no row.
INSERT INTO claims (claim_id, payer_id, state, effective_date, submitted_date, last_checked, updated_at) VALUES
 ('S1', 'SCH0001', 'received', '2026-11-16', NULL, '2026-11-16T09:30:00Z', '2026-11-16T09:30:00Z'),
 ('S2', 'SCH0001', 'rejected', '2026-11-16', NULL, '2026-11-16T09:30:00Z', '2026-11-16T09:30:00Z'),
 ('S3', '60054', 'paid', '2026-11-10', NULL, '2026-11-18T09:30:00Z', '2026-11-18T09:30:00Z'),
 ('S4', '60054', 'paid', '2026-11-12', NULL, '2026-11-18T09:30:00Z', '2026-11-18T09:30:00Z'),
 ('S5', '60054', 'denied', '2026-11-12', NULL, '2026-11-18T09:30:00Z', '2026-11-18T09:30:00Z'),
 ('S6', '60054', 'paid', '2026-10-01', NULL, '2026-11-18T09:30:00Z', '2026-11-18T09:30:00Z'),
 ('S7', '60054', 'paid', NULL, '2026-11-01', '2026-11-18T09:30:00Z', '2026-11-18T09:30:00Z'),
 ('X1', '99999', 'paid', '2026-11-12', '2026-10-01', '2026-11-18T09:30:00Z', '2026-11-18T09:30:00Z');
INSERT INTO status_history (key, claim_id, payer_id, state, effective_date, written_at) VALUES
 ('k1', 'S1', 'SCH0001', 'received', '2026-11-16', '2026-11-16T09:30:00Z'),
 ('k2', 'S2', 'SCH0001', 'rejected', '2026-11-16', '2026-11-16T09:30:00Z'),
 ('k3', 'S3', '60054', 'not_found', '2026-10-20', '2026-10-20T09:30:00Z'),
 ('k4', 'S3', '60054', 'paid', '2026-11-10', '2026-11-18T09:30:00Z'),
 ('k5', 'S4', '60054', 'paid', '2026-11-12', '2026-11-18T09:30:00Z'),
 ('k6', 'S5', '60054', 'denied', '2026-11-12', '2026-11-18T09:30:00Z'),
 ('k7', 'S6', '60054', 'paid', '2026-10-01', '2026-11-18T09:30:00Z'),
 ('k8', 'S7', '60054', 'paid', NULL, '2026-11-18T09:30:00Z'),
 ('k9', 'X1', '99999', 'paid', '2026-11-12', '2026-11-18T09:30:00Z');
