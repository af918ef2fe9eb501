-- Contests (leaderboards): people or teams compete on a metric over a period for a prize.
CREATE TABLE contests (
    id         UUID PRIMARY KEY,
    name       TEXT NOT NULL,
    metric     TEXT NOT NULL,          -- keel_domain::metrics::Metric::key, a flow metric
    starts     DATE NOT NULL,
    ends       DATE NOT NULL,            -- inclusive
    prize      TEXT,
    created_by UUID NOT NULL REFERENCES people(id),
    created_at TIMESTAMPTZ NOT NULL,
    closed_at  TIMESTAMPTZ                     -- winners recorded, after the end
);

-- A participant is a person or a team, never both.
CREATE TABLE contest_entries (
    contest_id UUID NOT NULL REFERENCES contests(id),
    person_id  UUID REFERENCES people(id),
    team_id    UUID REFERENCES teams(id),
    CHECK ((person_id IS NULL) <> (team_id IS NULL))
);
CREATE UNIQUE INDEX contest_entries_person ON contest_entries (contest_id, person_id) WHERE person_id IS NOT NULL;
CREATE UNIQUE INDEX contest_entries_team ON contest_entries (contest_id, team_id) WHERE team_id IS NOT NULL;

-- The podium as it stood when the contest closed; names kept as they were then.
CREATE TABLE contest_winners (
    contest_id UUID NOT NULL REFERENCES contests(id),
    person_id  UUID REFERENCES people(id),
    team_id    UUID REFERENCES teams(id),
    name       TEXT NOT NULL,
    place      INTEGER NOT NULL,
    value      BIGINT
);
CREATE INDEX contest_winners_contest ON contest_winners (contest_id, place);
