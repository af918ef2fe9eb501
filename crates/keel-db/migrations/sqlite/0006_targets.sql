-- Sales targets (quotas): per person, period and metric, set by someone above them. A
-- target covers the person's whole reporting line (a manager's is their team's).
CREATE TABLE targets (
    id           BLOB PRIMARY KEY,
    person_id    BLOB NOT NULL REFERENCES people(id),
    period       TEXT NOT NULL,        -- canonical label: 2026-Q4, 2026-11, 2026-H2, 2026
    period_start TEXT NOT NULL,
    period_end   TEXT NOT NULL,
    metric       TEXT NOT NULL,        -- keel_domain::metrics::Metric::key
    value        INTEGER NOT NULL,         -- in the metric's unit (minor units for money)
    set_by       BLOB NOT NULL REFERENCES people(id),
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    UNIQUE (person_id, period, metric)
);
CREATE INDEX targets_period ON targets (period, metric);
