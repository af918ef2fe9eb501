-- keel's first schema: the organisation, its people, sessions, login throttling and audit.
-- Keep this file and ../sqlite/0001_init.sql in step.

CREATE TABLE organisation (
    id             INTEGER PRIMARY KEY CHECK (id = 1),
    name           TEXT NOT NULL,
    default_locale TEXT NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL
);

CREATE TABLE departments (
    id         UUID PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    created_at TIMESTAMPTZ NOT NULL
);

-- A team is a group of people with a lead; teams sit in departments.
CREATE TABLE teams (
    id            UUID PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    department_id UUID REFERENCES departments(id),
    lead_id       UUID,               -- a person; not a foreign key, people refer to teams
    created_at    TIMESTAMPTZ NOT NULL
);

CREATE TABLE people (
    id            UUID PRIMARY KEY,
    name          TEXT NOT NULL,
    name_en       TEXT,
    email         TEXT UNIQUE,
    sort_key      TEXT NOT NULL,        -- lower-cased English name or name: pinyin order
    title         TEXT,
    team_id       UUID REFERENCES teams(id),
    department_id UUID REFERENCES departments(id),
    manager_id    UUID REFERENCES people(id),
    role          TEXT NOT NULL CHECK (role IN ('admin', 'director', 'manager', 'member')),
    is_hr         BOOLEAN NOT NULL DEFAULT FALSE,
    active        BOOLEAN NOT NULL DEFAULT TRUE,
    locale        TEXT,
    hire_date     DATE,
    password_hash TEXT,
    external_id   TEXT UNIQUE,          -- id in the system people were imported from
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX people_manager ON people (manager_id);
CREATE INDEX people_sort ON people (sort_key, id);
CREATE INDEX people_team ON people (team_id);

CREATE TABLE sessions (
    token_hash   BYTEA PRIMARY KEY,
    person_id    UUID NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    created_at   TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_person ON sessions (person_id);

CREATE TABLE login_failures (
    key          TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL,
    window_start TIMESTAMPTZ NOT NULL
);

-- Personal API tokens. Only a SHA-256 of the secret is kept; the prefix helps people tell
-- their tokens apart.
CREATE TABLE api_tokens (
    id           UUID PRIMARY KEY,
    person_id    UUID NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    prefix       TEXT NOT NULL,
    token_hash   BYTEA NOT NULL UNIQUE,
    created_at   TIMESTAMPTZ NOT NULL,
    last_used_at TIMESTAMPTZ,
    revoked_at   TIMESTAMPTZ
);
CREATE INDEX api_tokens_person ON api_tokens (person_id);

CREATE TABLE audit_log (
    id        UUID PRIMARY KEY,
    actor_id  UUID REFERENCES people(id),
    action    TEXT NOT NULL,
    entity    TEXT NOT NULL,
    entity_id UUID,
    summary   TEXT NOT NULL,
    at        TIMESTAMPTZ NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);
