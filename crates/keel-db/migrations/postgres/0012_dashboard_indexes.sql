-- The organisation dashboard at a million deals, computed from scratch (the full benchmark,
-- SQLite, per request: key-account coverage 192 ms, the activity heatmap 83 ms, the lowest
-- CSAT accounts 51 ms).
--
-- Key-account coverage looked at every account's tags; only tagged accounts are in this one.
CREATE INDEX accounts_tagged ON accounts (owner_id) WHERE tags <> '';
-- The heatmap reads four of the facts over a quarter: by fact first, it skips the others.
CREATE INDEX rollups_fact_day ON rollups (fact, day, person_id, currency, value);
-- A period's CSAT answers per account from the index alone.
CREATE INDEX satisfaction_kind_at ON satisfaction (kind, at, account_id, score, owner_id);
