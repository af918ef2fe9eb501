-- Open deals by stage: the pipeline panel, the forecast and the weighted pipeline read only
-- the open stages' entries of this index, never the table nor the closed deals (about 95% of
-- a mature organisation's million deals). Their queries name stages first (CROSS JOIN keeps
-- that order on SQLite, whose planner otherwise scanned every deal).
CREATE INDEX deals_open ON deals (stage_id, currency, expected_close, owner_id, amount_minor);
