-- Municipal services (démarches) and residents' requests: the catalogue admins build,
-- the forms agents define (versioned), requests with their timeline, messages,
-- attachments, and the record of every agent who opened a request.

-- A service of the catalogue. The descriptive texts are the commune's own words.
-- form_version_id: the version of its form new requests are filed with.
-- retention_months: how long closed requests are kept (used by the privacy work).
CREATE TABLE services (
    id               INTEGER PRIMARY KEY,
    slug             TEXT    NOT NULL UNIQUE,
    category         TEXT    NOT NULL CHECK (category IN ('childhood', 'school', 'civil_status',
                         'cemetery', 'culture', 'citizenship', 'housing', 'social', 'seniors',
                         'urbanism', 'other')),
    title            TEXT    NOT NULL,
    summary          TEXT    NOT NULL DEFAULT '',
    eligibility      TEXT    NOT NULL DEFAULT '',
    documents        TEXT    NOT NULL DEFAULT '',
    processing_time  TEXT    NOT NULL DEFAULT '',
    cost             TEXT    NOT NULL DEFAULT '',
    contact          TEXT    NOT NULL DEFAULT '',
    retention_months INTEGER NOT NULL DEFAULT 60 CHECK (retention_months BETWEEN 1 AND 1200),
    published        INTEGER NOT NULL DEFAULT 0,
    form_version_id  INTEGER,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);
CREATE INDEX services_category ON services (published, category, title);

-- The agents who process a service's requests.
CREATE TABLE service_agents (
    service_id INTEGER NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (service_id, user_id)
);
CREATE INDEX service_agents_user ON service_agents (user_id);

-- One version of a service's form (its fields as JSON). A version a request was filed
-- with is never changed again: editing the form then writes the next version.
CREATE TABLE service_form_versions (
    id         INTEGER PRIMARY KEY,
    service_id INTEGER NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    number     INTEGER NOT NULL,
    fields     TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (service_id, number)
);

-- Ready-made messages agents pick from when answering.
CREATE TABLE service_templates (
    id         INTEGER PRIMARY KEY,
    service_id INTEGER NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    title      TEXT    NOT NULL,
    body       TEXT    NOT NULL
);
CREATE INDEX service_templates_service ON service_templates (service_id, id);

-- Tracking numbers: the last one given each year (2026-000123).
CREATE TABLE request_counters (
    year INTEGER PRIMARY KEY,
    last INTEGER NOT NULL
);

-- A request. user_id: the resident's account (NULL when filed at the counter for someone
-- without one: contact_* then say how to reach them). filed_by: the agent who filed it
-- on the resident's behalf. reference: given on submission. values: the answers (JSON).
-- decided_at: when it was accepted or refused (processing-time statistics).
-- unread_for_resident: agents' messages the resident has not opened yet.
CREATE TABLE service_requests (
    id                  INTEGER PRIMARY KEY,
    reference           TEXT    UNIQUE,
    service_id          INTEGER NOT NULL REFERENCES services (id),
    form_version_id     INTEGER NOT NULL REFERENCES service_form_versions (id),
    user_id             INTEGER REFERENCES users (id) ON DELETE SET NULL,
    contact_name        TEXT    NOT NULL DEFAULT '',
    contact_email       TEXT    NOT NULL DEFAULT '',
    contact_phone       TEXT    NOT NULL DEFAULT '',
    channel             TEXT    NOT NULL CHECK (channel IN ('web', 'counter', 'phone', 'mail')),
    filed_by            INTEGER REFERENCES users (id) ON DELETE SET NULL,
    status              TEXT    NOT NULL CHECK (status IN ('draft', 'submitted', 'in_progress',
                            'info_requested', 'accepted', 'refused', 'closed', 'cancelled')),
    answers             TEXT    NOT NULL DEFAULT '{}',
    assignee_id         INTEGER REFERENCES users (id) ON DELETE SET NULL,
    unread_for_resident INTEGER NOT NULL DEFAULT 0,
    created_at          INTEGER NOT NULL,
    submitted_at        INTEGER,
    decided_at          INTEGER,
    updated_at          INTEGER NOT NULL
);
CREATE INDEX service_requests_user ON service_requests (user_id, updated_at);
CREATE INDEX service_requests_queue ON service_requests (service_id, status, submitted_at);
CREATE INDEX service_requests_assignee ON service_requests (assignee_id, status);

-- The timeline: status changes, messages (both ways), internal notes, assignments.
-- Notes are never shown to the resident.
CREATE TABLE request_events (
    id         INTEGER PRIMARY KEY,
    request_id INTEGER NOT NULL REFERENCES service_requests (id) ON DELETE CASCADE,
    kind       TEXT    NOT NULL CHECK (kind IN ('status', 'message', 'note', 'assigned')),
    status     TEXT,
    author_id  INTEGER REFERENCES users (id) ON DELETE SET NULL,
    from_agent INTEGER NOT NULL DEFAULT 0,
    body       TEXT    NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL
);
CREATE INDEX request_events_request ON request_events (request_id, id);

-- Files: a form field's (field_key) or a message's (event_id). Stored on disk under a
-- generated name (storage_key), never the name the resident gave.
CREATE TABLE request_attachments (
    id           INTEGER PRIMARY KEY,
    request_id   INTEGER NOT NULL REFERENCES service_requests (id) ON DELETE CASCADE,
    field_key    TEXT,
    event_id     INTEGER REFERENCES request_events (id) ON DELETE CASCADE,
    file_name    TEXT    NOT NULL,
    content_type TEXT    NOT NULL CHECK (content_type IN ('application/pdf', 'image/jpeg', 'image/png')),
    size         INTEGER NOT NULL,
    storage_key  TEXT    NOT NULL UNIQUE,
    uploaded_by  INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at   INTEGER NOT NULL
);
CREATE INDEX request_attachments_request ON request_attachments (request_id, field_key);

-- Every time an agent opened a request (shown to the resident in the privacy centre).
CREATE TABLE request_accesses (
    id          INTEGER PRIMARY KEY,
    request_id  INTEGER NOT NULL REFERENCES service_requests (id) ON DELETE CASCADE,
    agent_id    INTEGER REFERENCES users (id) ON DELETE SET NULL,
    accessed_at INTEGER NOT NULL
);
CREATE INDEX request_accesses_request ON request_accesses (request_id, accessed_at);

-- Notifications about a request (a status change, an agent's message): proposal_id
-- becomes optional, so the table is rebuilt (SQLite cannot relax NOT NULL).
CREATE TABLE notifications_next (
    id          INTEGER PRIMARY KEY,
    user_id     BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind        TEXT    NOT NULL CHECK (kind IN ('answer', 'comments', 'moderation', 'request')),
    proposal_id BIGINT  REFERENCES proposals (id) ON DELETE CASCADE,
    item_count  BIGINT  NOT NULL DEFAULT 1,
    created_at  BIGINT  NOT NULL,
    updated_at  BIGINT  NOT NULL,
    read_at     BIGINT,
    decision_id BIGINT  REFERENCES moderation_decisions (id) ON DELETE CASCADE,
    request_id  BIGINT  REFERENCES service_requests (id) ON DELETE CASCADE,
    CHECK ((kind = 'request') = (request_id IS NOT NULL AND proposal_id IS NULL))
);
INSERT INTO notifications_next (id, user_id, kind, proposal_id, item_count, created_at,
    updated_at, read_at, decision_id)
    SELECT id, user_id, kind, proposal_id, item_count, created_at, updated_at, read_at,
    decision_id FROM notifications;
DROP TABLE notifications;
ALTER TABLE notifications_next RENAME TO notifications;
CREATE INDEX notifications_user ON notifications (user_id, read_at, updated_at);
CREATE INDEX notifications_proposal ON notifications (proposal_id, kind);
CREATE INDEX notifications_request ON notifications (request_id);
