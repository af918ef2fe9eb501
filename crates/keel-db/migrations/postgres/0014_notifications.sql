-- Notifications, their e-mail outbox and timed jobs. Keep this file and
-- ../sqlite/0014_notifications.sql in step.

-- One row per recipient. The text is not stored: `kind` names a Fluent message and `args`
-- (a JSON object of strings) its variables, put into words in the reader's language.
CREATE TABLE notifications (
    id         UUID PRIMARY KEY,            -- UUIDv7: newest first is id order
    person_id  UUID NOT NULL REFERENCES people(id),
    kind       TEXT NOT NULL,
    actor_id   UUID REFERENCES people(id),
    link       TEXT NOT NULL,
    args       TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    read_at    TIMESTAMPTZ
);
CREATE INDEX notifications_person ON notifications (person_id, id);
CREATE INDEX notifications_unread ON notifications (person_id) WHERE read_at IS NULL;

-- How a person wants each kind; kinds without a row are in-app only.
CREATE TABLE notification_prefs (
    person_id UUID NOT NULL REFERENCES people(id),
    kind      TEXT NOT NULL,
    delivery  TEXT NOT NULL CHECK (delivery IN ('in_app', 'email', 'off')),
    PRIMARY KEY (person_id, kind)
);

-- A daily digest e-mail at a local hour of the person's zone (no row: no digest).
CREATE TABLE notification_digests (
    person_id UUID PRIMARY KEY REFERENCES people(id),
    hour      INTEGER NOT NULL CHECK (hour BETWEEN 0 AND 23)
);

-- E-mail to send, written in the same transaction as what causes it. A worker claims due
-- rows for a while (claim_token, claim_until), sends, and marks them sent; a claim that ran
-- out (a server stopped mid-delivery) is free to take again. The text is made at delivery
-- from the notification (or, for a digest, the notifications of [digest_from, digest_to)).
CREATE TABLE email_outbox (
    id              UUID PRIMARY KEY,
    dedupe_key      TEXT NOT NULL UNIQUE,       -- one e-mail per notification or digest slot
    person_id       UUID NOT NULL REFERENCES people(id),
    notification_id UUID REFERENCES notifications(id) ON DELETE CASCADE,
    digest_from     TIMESTAMPTZ,
    digest_to       TIMESTAMPTZ,
    status          TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed', 'cancelled')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    due_at          TIMESTAMPTZ NOT NULL,
    claim_token     UUID,
    claim_until     TIMESTAMPTZ,
    to_address      TEXT,
    last_error      TEXT,
    created_at      TIMESTAMPTZ NOT NULL,
    sent_at         TIMESTAMPTZ
);
CREATE INDEX email_outbox_due ON email_outbox (due_at) WHERE status = 'pending';
CREATE INDEX email_outbox_status ON email_outbox (status, created_at);

-- One row per job and slot: the primary key is the claim, so exactly one server runs each.
CREATE TABLE job_runs (
    job         TEXT NOT NULL,
    slot        TIMESTAMPTZ NOT NULL,
    server      TEXT NOT NULL,
    tries       INTEGER NOT NULL DEFAULT 1,
    started_at  TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ,
    ok          BOOLEAN,
    error       TEXT,
    PRIMARY KEY (job, slot)
);
CREATE INDEX job_runs_started ON job_runs (started_at);
