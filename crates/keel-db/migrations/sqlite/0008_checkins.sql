-- Check-ins: one per person per cycle, with goal updates (kept in goal_updates, source
-- 'checkin'), comments, reactions and follow-up flags. Keep this file and
-- ../postgres/0008_checkins.sql in step.

-- How often a team checks in; teams without a row are weekly, due on Friday.
CREATE TABLE checkin_settings (
    team_id     BLOB PRIMARY KEY REFERENCES teams(id),
    cadence     TEXT NOT NULL CHECK (cadence IN ('weekly', 'biweekly', 'monthly')),
    due_weekday INTEGER NOT NULL CHECK (due_weekday BETWEEN 1 AND 7),  -- ISO, 1 = Monday
    updated_by  BLOB REFERENCES people(id),
    updated_at  TEXT NOT NULL
);

CREATE TABLE checkins (
    id           BLOB PRIMARY KEY,
    person_id    BLOB NOT NULL REFERENCES people(id),
    cadence      TEXT NOT NULL CHECK (cadence IN ('weekly', 'biweekly', 'monthly')),
    cycle_start  TEXT NOT NULL,
    cycle_end    TEXT NOT NULL,
    due_date     TEXT NOT NULL,
    confidence   INTEGER NOT NULL CHECK (confidence BETWEEN 1 AND 10),
    mood         INTEGER NOT NULL CHECK (mood BETWEEN 1 AND 5),  -- private to the reporting chain
    progress     TEXT NOT NULL,
    plans        TEXT NOT NULL,
    problems     TEXT NOT NULL,
    blockers     TEXT NOT NULL,
    submitted_at TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    -- Once someone above the person reviewed it, it can no longer be edited.
    reviewed_at  TEXT,
    reviewed_by  BLOB REFERENCES people(id)
);
CREATE UNIQUE INDEX checkins_person_cycle ON checkins (person_id, cycle_start);
CREATE INDEX checkins_cycle ON checkins (cycle_start);

-- The goals a check-in updated; value, progress and comment live in the goal_updates row,
-- so the goal's history and chart tell one story.
CREATE TABLE checkin_goals (
    id         BLOB PRIMARY KEY,
    checkin_id BLOB NOT NULL REFERENCES checkins(id),
    goal_id    BLOB NOT NULL REFERENCES goals(id),
    update_id  BLOB NOT NULL REFERENCES goal_updates(id),
    position   INTEGER NOT NULL
);
CREATE UNIQUE INDEX checkin_goals_goal ON checkin_goals (checkin_id, goal_id);
CREATE INDEX checkin_goals_by_goal ON checkin_goals (goal_id);

-- A thread: replies name the comment they answer.
CREATE TABLE checkin_comments (
    id         BLOB PRIMARY KEY,
    checkin_id BLOB NOT NULL REFERENCES checkins(id),
    parent_id  BLOB REFERENCES checkin_comments(id),
    author_id  BLOB NOT NULL REFERENCES people(id),
    body       TEXT NOT NULL,
    at         TEXT NOT NULL
);
CREATE INDEX checkin_comments_checkin ON checkin_comments (checkin_id, at);

CREATE TABLE checkin_reactions (
    checkin_id BLOB NOT NULL REFERENCES checkins(id),
    person_id  BLOB NOT NULL REFERENCES people(id),
    reaction   TEXT NOT NULL CHECK (reaction IN ('thumbs_up', 'party', 'muscle', 'eyes')),
    at         TEXT NOT NULL,
    PRIMARY KEY (checkin_id, person_id, reaction)
);

-- Follow-ups: on the whole check-in (item_id NULL) or on one goal update.
CREATE TABLE checkin_flags (
    id          BLOB PRIMARY KEY,
    checkin_id  BLOB NOT NULL REFERENCES checkins(id),
    item_id     BLOB REFERENCES checkin_goals(id),
    note        TEXT NOT NULL,
    created_by  BLOB NOT NULL REFERENCES people(id),
    created_at  TEXT NOT NULL,
    resolved_by BLOB REFERENCES people(id),
    resolved_at TEXT
);
CREATE INDEX checkin_flags_checkin ON checkin_flags (checkin_id);
