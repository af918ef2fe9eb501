-- The director's insights feed: its thresholds (one row an admin edits) and each viewer's
-- dismissals. Keep this file and ../sqlite/0009_insights.sql in step.
CREATE TABLE insight_settings (
    id                      INTEGER PRIMARY KEY CHECK (id = 1),
    win_rate_drop_points    BIGINT NOT NULL,
    win_rate_min_closed     BIGINT NOT NULL,
    stall_multiple          BIGINT NOT NULL,
    stalled_listed          BIGINT NOT NULL,
    goal_left_pct           BIGINT NOT NULL,
    csat_drop_hundredths    BIGINT NOT NULL,
    csat_min_answers        BIGINT NOT NULL,
    nps_days                BIGINT NOT NULL,
    inactive_days           BIGINT NOT NULL,
    coverage_min_hundredths BIGINT NOT NULL,
    updated_by              UUID REFERENCES people(id),
    updated_at              TIMESTAMPTZ
);
INSERT INTO insight_settings (id, win_rate_drop_points, win_rate_min_closed, stall_multiple,
    stalled_listed, goal_left_pct, csat_drop_hundredths, csat_min_answers, nps_days,
    inactive_days, coverage_min_hundredths)
    VALUES (1, 15, 5, 2, 5, 30, 50, 2, 30, 5, 150);

-- A dismissal hides one situation (its key: kind, subject, period) from one viewer.
CREATE TABLE insight_dismissals (
    person_id   UUID NOT NULL REFERENCES people(id),
    insight_key TEXT NOT NULL,
    note        TEXT,
    at          TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (person_id, insight_key)
);
