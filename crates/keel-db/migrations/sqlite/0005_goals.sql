-- Goals: an alignment tree of goals owned by a person, a team or the organisation, measured
-- from a catalog metric or by hand. Keep this file and ../postgres/0005_goals.sql in step.

CREATE TABLE goals (
    id              BLOB PRIMARY KEY,
    owner_kind      TEXT NOT NULL CHECK (owner_kind IN ('person', 'team', 'org')),
    owner_person_id BLOB REFERENCES people(id),   -- owner_kind 'person'
    owner_team_id   BLOB REFERENCES teams(id),    -- owner_kind 'team'
    parent_id       BLOB REFERENCES goals(id),
    title           TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    -- 'metric' (measured from metric_key) or a manual measure: 'number', 'percent'
    -- (permille), 'currency' (minor units of the organisation's currency), 'done' (0 or 1).
    measure         TEXT NOT NULL CHECK (measure IN ('metric', 'number', 'percent', 'currency', 'done')),
    metric_key      TEXT,
    start_value     INTEGER NOT NULL,
    target_value    INTEGER NOT NULL,
    current_value   INTEGER,                       -- manual measures only
    direction       TEXT NOT NULL CHECK (direction IN ('increase', 'decrease')),
    weight          INTEGER NOT NULL CHECK (weight >= 0),
    progress_rule   TEXT NOT NULL CHECK (progress_rule IN ('own', 'children')),
    period          TEXT NOT NULL,                -- keel_domain::periods::Period::label
    period_start    TEXT NOT NULL,
    period_end      TEXT NOT NULL,
    due_date        TEXT NOT NULL,
    visibility      TEXT NOT NULL CHECK (visibility IN ('public', 'private')),
    -- A status set by hand instead of the pace, with who, when and why.
    status_override TEXT CHECK (status_override IN ('on_track', 'at_risk', 'off_track', 'done')),
    override_reason TEXT,
    override_by     BLOB REFERENCES people(id),
    override_at     TEXT,
    created_by      BLOB NOT NULL REFERENCES people(id),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    CHECK ((owner_kind = 'person') = (owner_person_id IS NOT NULL)),
    CHECK ((owner_kind = 'team') = (owner_team_id IS NOT NULL)),
    CHECK ((measure = 'metric') = (metric_key IS NOT NULL))
);
CREATE INDEX goals_parent ON goals (parent_id);
CREATE INDEX goals_owner_person ON goals (owner_person_id);
CREATE INDEX goals_owner_team ON goals (owner_team_id);

-- People outside the owner's line who work towards a goal; they see it and find it under
-- "My goals".
CREATE TABLE goal_contributors (
    goal_id   BLOB NOT NULL REFERENCES goals(id),
    person_id BLOB NOT NULL REFERENCES people(id),
    PRIMARY KEY (goal_id, person_id)
);
CREATE INDEX goal_contributors_person ON goal_contributors (person_id);

-- Every change to a goal: who, when, which field, old and new value, and why (required for
-- the target and the due date).
CREATE TABLE goal_changes (
    id        BLOB PRIMARY KEY,
    goal_id   BLOB NOT NULL REFERENCES goals(id),
    person_id BLOB REFERENCES people(id),
    at        TEXT NOT NULL,
    field     TEXT NOT NULL,
    old_value TEXT NOT NULL,
    new_value TEXT NOT NULL,
    reason    TEXT
);
CREATE INDEX goal_changes_goal ON goal_changes (goal_id, at);

-- Progress over time: 'manual' when someone records a value, 'measured' once a day for metric
-- goals, 'checkin' for weekly check-ins (value and comment from the person checking in).
CREATE TABLE goal_updates (
    id        BLOB PRIMARY KEY,
    goal_id   BLOB NOT NULL REFERENCES goals(id),
    person_id BLOB REFERENCES people(id),         -- NULL: measured by keel
    source    TEXT NOT NULL CHECK (source IN ('manual', 'measured', 'checkin')),
    at        TEXT NOT NULL,
    day       TEXT NOT NULL,
    value     INTEGER,
    progress  INTEGER,                              -- permille, 0..=1000
    comment   TEXT
);
CREATE INDEX goal_updates_goal ON goal_updates (goal_id, day);
-- One measured snapshot per goal and day, however many people open the page.
CREATE UNIQUE INDEX goal_updates_measured_day ON goal_updates (goal_id, day) WHERE source = 'measured';

-- Organisation-wide goal settings (one row).
CREATE TABLE goal_settings (
    id             INTEGER PRIMARY KEY CHECK (id = 1),
    smart_required BOOLEAN NOT NULL
);
INSERT INTO goal_settings (id, smart_required) VALUES (1, FALSE);
