-- keel's first schema: the organisation, its people, sessions, login throttling and audit.
-- Ids are UUIDv7 made in Rust (16-byte BLOBs here, uuid in PostgreSQL); times are UTC made
-- in Rust, microsecond precision. Keep this file and ../postgres/0001_init.sql in step.

CREATE TABLE organisation (
    id             INTEGER PRIMARY KEY CHECK (id = 1),  -- one organisation per database
    name           TEXT NOT NULL,
    default_locale TEXT NOT NULL,
    created_at     TEXT NOT NULL
);

CREATE TABLE departments (
    id         BLOB PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);

-- A team is a group of people with a lead; teams sit in departments.
CREATE TABLE teams (
    id            BLOB PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    department_id BLOB REFERENCES departments(id),
    lead_id       BLOB,               -- a person; not a foreign key, people refer to teams
    created_at    TEXT NOT NULL
);

CREATE TABLE people (
    id            BLOB PRIMARY KEY,
    name          TEXT NOT NULL,
    name_en       TEXT,
    email         TEXT UNIQUE,          -- lower-cased; NULL for people who never log in
    sort_key      TEXT NOT NULL,        -- lower-cased English name or name: pinyin order
    title         TEXT,
    team_id       BLOB REFERENCES teams(id),
    department_id BLOB REFERENCES departments(id),
    manager_id    BLOB REFERENCES people(id),
    role          TEXT NOT NULL CHECK (role IN ('admin', 'director', 'manager', 'member')),
    is_hr         BOOLEAN NOT NULL DEFAULT FALSE,
    active        BOOLEAN NOT NULL DEFAULT TRUE,
    locale        TEXT,
    hire_date     TEXT,
    password_hash TEXT,
    external_id   TEXT UNIQUE,          -- id in the system people were imported from
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX people_manager ON people (manager_id);
CREATE INDEX people_sort ON people (sort_key, id);
CREATE INDEX people_team ON people (team_id);

CREATE TABLE sessions (
    token_hash   BLOB PRIMARY KEY,      -- SHA-256 of the cookie value, never the value itself
    person_id    BLOB NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    created_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    expires_at   TEXT NOT NULL
);
CREATE INDEX sessions_person ON sessions (person_id);

-- Failed logins per key ('email:...' or 'ip:...') in the database, so that throttling holds
-- across several app servers.
CREATE TABLE login_failures (
    key          TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL,
    window_start TEXT NOT NULL
);

-- Personal API tokens. Only a SHA-256 of the secret is kept; the prefix helps people tell
-- their tokens apart.
CREATE TABLE api_tokens (
    id           BLOB PRIMARY KEY,
    person_id    BLOB NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    prefix       TEXT NOT NULL,
    token_hash   BLOB NOT NULL UNIQUE,
    created_at   TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at   TEXT
);
CREATE INDEX api_tokens_person ON api_tokens (person_id);

CREATE TABLE audit_log (
    id        BLOB PRIMARY KEY,
    actor_id  BLOB REFERENCES people(id),
    action    TEXT NOT NULL,
    entity    TEXT NOT NULL,
    entity_id BLOB,
    summary   TEXT NOT NULL,
    at        TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);
