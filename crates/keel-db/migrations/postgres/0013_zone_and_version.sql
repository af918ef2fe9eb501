-- The organisation's time zone defines its days, weeks, months and quarters; a person may
-- choose the zone times are shown in (NULL: the organisation's).
ALTER TABLE organisation ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'Asia/Shanghai';
ALTER TABLE people ADD COLUMN time_zone TEXT;

-- The version of all the data: every write transaction adds one just before it commits, so
-- a reader that saw version v and sees v again knows nothing was committed in between
-- (audit ids are made from each server's clock and need not be in commit order).
CREATE TABLE data_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO data_version (id, version) VALUES (1, 0);
