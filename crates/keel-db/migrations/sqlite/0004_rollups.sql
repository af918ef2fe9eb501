-- Rollups: the facts of keel_domain::metrics summed per person × day, kept in step with the CRM
-- rows by every write (see keel-db/src/rollups.rs). Filled from existing rows on upgrade.

-- Money metrics, goals and targets are in the organisation's currency; deals in other
-- currencies are counted apart, never converted.
ALTER TABLE organisation ADD COLUMN currency TEXT NOT NULL DEFAULT 'CNY';

CREATE TABLE rollups (
    person_id BLOB NOT NULL REFERENCES people(id),
    day       TEXT NOT NULL,        -- UTC calendar day, YYYY-MM-DD
    fact      TEXT NOT NULL,        -- keel_domain::metrics::Fact::key
    currency  TEXT NOT NULL,        -- money facts only, '' otherwise
    value     INTEGER NOT NULL,
    PRIMARY KEY (person_id, fact, day, currency)
) WITHOUT ROWID;
-- Organisation-wide periods read by day.
CREATE INDEX rollups_day ON rollups (day, fact);
