-- Sales targets (quotas): per person, period and metric, set by someone above them. A
-- target covers the person's whole reporting line (a manager's is their team's).
CREATE TABLE targets (
    id           UUID PRIMARY KEY,
    person_id    UUID NOT NULL REFERENCES people(id),
    period       TEXT NOT NULL,        -- canonical label: 2026-Q4, 2026-11, 2026-H2, 2026
    period_start DATE NOT NULL,
    period_end   DATE NOT NULL,
    metric       TEXT NOT NULL,        -- keel_domain::metrics::Metric::key
    value        BIGINT NOT NULL,         -- in the metric's unit (minor units for money)
    set_by       UUID NOT NULL REFERENCES people(id),
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL,
    UNIQUE (person_id, period, metric)
);
CREATE INDEX targets_period ON targets (period, metric);
