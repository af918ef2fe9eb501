-- The CRM the team works in: accounts, contacts, leads and the shared pool (公海), deals
-- through pipelines, activities and visits, customer satisfaction. Keep this file and
-- ../sqlite/0002_crm.sql in step. Money is integer minor units plus a currency code.

-- Per-module default visibility, set by admins: 'private' (owner and their superiors) or
-- 'public_read' (everyone may read; writing still follows the reporting line).
CREATE TABLE module_settings (
    module     TEXT PRIMARY KEY CHECK (module IN ('accounts', 'contacts', 'leads', 'deals', 'activities', 'satisfaction')),
    visibility TEXT NOT NULL CHECK (visibility IN ('private', 'public_read'))
);

-- Rules of the shared pool, one row per pooled record kind.
CREATE TABLE pool_rules (
    kind               TEXT PRIMARY KEY CHECK (kind IN ('leads', 'accounts')),
    claims_per_day     INTEGER NOT NULL,   -- claims per person per calendar day (UTC)
    max_held           INTEGER NOT NULL,   -- records of this kind one person may own
    return_after_days  INTEGER NOT NULL,   -- back to the pool after this long without follow-up
    cooldown_days      INTEGER NOT NULL    -- before the previous owner may claim it again
);

CREATE TABLE accounts (
    id               UUID PRIMARY KEY,
    name             TEXT NOT NULL,
    industry         TEXT,
    size             INTEGER,              -- employees
    region           TEXT,
    status           TEXT NOT NULL CHECK (status IN ('prospect', 'customer', 'partner', 'churned')),
    tags             TEXT NOT NULL DEFAULT '',   -- comma-separated, lower-case
    parent_id        UUID REFERENCES accounts(id),
    notes            TEXT,
    owner_id         UUID REFERENCES people(id),  -- NULL: in the shared pool
    owned_since      TIMESTAMPTZ,                  -- when the current owner got it
    previous_owner_id UUID REFERENCES people(id),
    released_at      TIMESTAMPTZ,                  -- when it last went back to the pool
    last_activity_at TIMESTAMPTZ,                  -- latest follow-up, for automatic return
    external_id      TEXT UNIQUE,          -- id in the system it was imported from
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX accounts_owner ON accounts (owner_id, id);
CREATE INDEX accounts_name ON accounts (name, id);

CREATE TABLE contacts (
    id          UUID PRIMARY KEY,
    account_id  UUID REFERENCES accounts(id),
    name        TEXT NOT NULL,
    title       TEXT,
    phone       TEXT,
    email       TEXT,
    notes       TEXT,
    owner_id    UUID NOT NULL REFERENCES people(id),
    external_id TEXT UNIQUE,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX contacts_account ON contacts (account_id);
CREATE INDEX contacts_owner ON contacts (owner_id, id);

CREATE TABLE leads (
    id                   UUID PRIMARY KEY,
    name                 TEXT NOT NULL,
    company              TEXT,
    email                TEXT,
    phone                TEXT,
    source               TEXT,
    status               TEXT NOT NULL CHECK (status IN ('new', 'contacted', 'qualified', 'converted', 'lost')),
    industry             TEXT,
    notes                TEXT,
    owner_id             UUID REFERENCES people(id),  -- NULL: in the shared pool
    owned_since          TIMESTAMPTZ,
    previous_owner_id    UUID REFERENCES people(id),
    released_at          TIMESTAMPTZ,
    last_activity_at     TIMESTAMPTZ,
    converted_at         TIMESTAMPTZ,
    converted_account_id UUID REFERENCES accounts(id),
    converted_contact_id UUID REFERENCES contacts(id),
    converted_deal_id    UUID,
    external_id          TEXT UNIQUE,
    created_at           TIMESTAMPTZ NOT NULL,
    updated_at           TIMESTAMPTZ NOT NULL
);
CREATE INDEX leads_owner ON leads (owner_id, id);

-- Every claim and return, for the per-day claim limit and the pool's history.
CREATE TABLE pool_events (
    id        UUID PRIMARY KEY,
    kind      TEXT NOT NULL CHECK (kind IN ('leads', 'accounts')),
    record_id UUID NOT NULL,
    person_id UUID REFERENCES people(id),
    action    TEXT NOT NULL CHECK (action IN ('claim', 'return', 'auto_return', 'assign')),
    reason    TEXT,
    at        TIMESTAMPTZ NOT NULL
);
CREATE INDEX pool_events_person ON pool_events (person_id, kind, at);
CREATE INDEX pool_events_record ON pool_events (record_id, at);

CREATE TABLE pipelines (
    id         UUID PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    is_default BOOLEAN NOT NULL DEFAULT FALSE,
    position   INTEGER NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE stages (
    id          UUID PRIMARY KEY,
    pipeline_id UUID NOT NULL REFERENCES pipelines(id),
    name        TEXT NOT NULL,
    name_en     TEXT NOT NULL,
    probability INTEGER NOT NULL CHECK (probability BETWEEN 0 AND 100),
    category    TEXT NOT NULL CHECK (category IN ('open', 'won', 'lost')),
    position    INTEGER NOT NULL,
    UNIQUE (pipeline_id, name)
);

CREATE TABLE deals (
    id               UUID PRIMARY KEY,
    name             TEXT NOT NULL,
    amount_minor     BIGINT NOT NULL CHECK (amount_minor >= 0),
    currency         TEXT NOT NULL,
    pipeline_id      UUID NOT NULL REFERENCES pipelines(id),
    stage_id         UUID NOT NULL REFERENCES stages(id),
    stage_entered_at TIMESTAMPTZ NOT NULL,
    expected_close   DATE,
    closed_at        TIMESTAMPTZ,                  -- set on entering a won or lost stage
    owner_id         UUID NOT NULL REFERENCES people(id),
    account_id       UUID REFERENCES accounts(id),
    contact_id       UUID REFERENCES contacts(id),
    product_line     TEXT,
    kind             TEXT,                 -- new business, renewal, upsell ...
    source           TEXT,
    loss_reason      TEXT,
    external_id      TEXT UNIQUE,
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX deals_owner ON deals (owner_id, id);
CREATE INDEX deals_stage ON deals (stage_id, id);
CREATE INDEX deals_account ON deals (account_id);

CREATE TABLE deal_stage_history (
    id            UUID PRIMARY KEY,
    deal_id       UUID NOT NULL REFERENCES deals(id) ON DELETE CASCADE,
    from_stage_id UUID REFERENCES stages(id),
    to_stage_id   UUID NOT NULL REFERENCES stages(id),
    changed_by    UUID REFERENCES people(id),
    at            TIMESTAMPTZ NOT NULL
);
CREATE INDEX deal_stage_history_deal ON deal_stage_history (deal_id, at);

CREATE TABLE activities (
    id           UUID PRIMARY KEY,
    kind         TEXT NOT NULL CHECK (kind IN ('call', 'meeting', 'email', 'visit', 'task')),
    subject      TEXT NOT NULL,
    notes        TEXT,
    owner_id     UUID NOT NULL REFERENCES people(id),
    at           TIMESTAMPTZ NOT NULL,             -- when it happens (or happened)
    due_date     DATE,                      -- tasks
    done_at      TIMESTAMPTZ,                      -- tasks: when completed
    account_id   UUID REFERENCES accounts(id),
    contact_id   UUID REFERENCES contacts(id),
    deal_id      UUID REFERENCES deals(id),
    lead_id      UUID REFERENCES leads(id),
    check_in_at  TIMESTAMPTZ,                      -- visits (外勤)
    check_out_at TIMESTAMPTZ,
    location     TEXT,
    latitude     DOUBLE PRECISION,
    longitude    DOUBLE PRECISION,
    external_id  TEXT UNIQUE,
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX activities_owner ON activities (owner_id, at);
CREATE INDEX activities_account ON activities (account_id, at);
CREATE INDEX activities_deal ON activities (deal_id, at);
CREATE INDEX activities_lead ON activities (lead_id, at);

CREATE TABLE satisfaction (
    id         UUID PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('csat', 'nps')),
    score      INTEGER NOT NULL CHECK ((kind = 'csat' AND score BETWEEN 1 AND 5) OR (kind = 'nps' AND score BETWEEN 0 AND 10)),
    comment    TEXT,
    account_id UUID NOT NULL REFERENCES accounts(id),
    deal_id    UUID REFERENCES deals(id),
    owner_id   UUID NOT NULL REFERENCES people(id),
    at         TIMESTAMPTZ NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX satisfaction_account ON satisfaction (account_id, at);
CREATE INDEX satisfaction_owner ON satisfaction (owner_id, at);

-- Defaults a new organisation starts with; admins change them.
INSERT INTO module_settings (module, visibility) VALUES
    ('accounts', 'private'), ('contacts', 'private'), ('leads', 'private'),
    ('deals', 'private'), ('activities', 'private'), ('satisfaction', 'private');
INSERT INTO pool_rules (kind, claims_per_day, max_held, return_after_days, cooldown_days) VALUES
    ('leads', 10, 50, 30, 7), ('accounts', 5, 100, 60, 14);
