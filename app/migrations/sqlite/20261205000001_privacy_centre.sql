-- The privacy centre (RGPD): consents and terms versions, exports of a resident's data,
-- scheduled erasures.

-- Versions of the terms of use; the highest is in force. Residents who accepted an older
-- one (or none) are asked to accept it at their next sign-in.
CREATE TABLE terms_versions (
    version      INTEGER PRIMARY KEY,
    summary      TEXT    NOT NULL DEFAULT '',
    published_at BIGINT  NOT NULL
);
INSERT INTO terms_versions (version, summary, published_at) VALUES (1, '', 0);

-- Where each person stands on each purpose (terms: the version accepted).
CREATE TABLE consents (
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose    TEXT   NOT NULL CHECK (purpose IN ('terms', 'digest_mail', 'reminder_mail')),
    given      BIGINT NOT NULL CHECK (given IN (0, 1)),
    version    BIGINT,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, purpose)
);

-- The ledger: every consent given or withdrawn, never changed afterwards.
CREATE TABLE consent_events (
    id         INTEGER PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose    TEXT   NOT NULL,
    given      BIGINT NOT NULL CHECK (given IN (0, 1)),
    version    BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX consent_events_user ON consent_events (user_id, id);

-- A resident's export of their data: built in the background into one ZIP file, kept a
-- few days.
CREATE TABLE data_exports (
    id          INTEGER PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    status      TEXT   NOT NULL CHECK (status IN ('pending', 'running', 'ready', 'failed')),
    progress    BIGINT NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
    storage_key TEXT,
    size        BIGINT,
    lease_until BIGINT NOT NULL DEFAULT 0,
    created_at  BIGINT NOT NULL,
    finished_at BIGINT
);
CREATE INDEX data_exports_user ON data_exports (user_id, id);
CREATE INDEX data_exports_status ON data_exports (status, lease_until);

-- An erasure asked for by the account's owner, carried out once its cooling-off period
-- is over unless cancelled first.
CREATE TABLE erasure_requests (
    user_id      BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    mode         TEXT   NOT NULL CHECK (mode IN ('pseudonymise', 'delete')),
    requested_at BIGINT NOT NULL,
    due_at       BIGINT NOT NULL
);
CREATE INDEX erasure_requests_due ON erasure_requests (due_at);

-- Requests to the data protection officer (access, rectification, erasure, objection…),
-- with their statutory deadline: one month after receipt (RGPD art. 12-3). Kept as proof
-- of how they were handled, then removed by the retention job.
CREATE TABLE data_requests (
    id          INTEGER PRIMARY KEY,
    user_id     BIGINT REFERENCES users (id) ON DELETE SET NULL,
    kind        TEXT   NOT NULL CHECK (kind IN ('access', 'rectification', 'erasure', 'objection', 'other')),
    name        TEXT   NOT NULL,
    email       TEXT   NOT NULL,
    message     TEXT   NOT NULL,
    answer      TEXT   NOT NULL DEFAULT '',
    answered_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at  BIGINT NOT NULL,
    due_at      BIGINT NOT NULL,
    answered_at BIGINT
);
CREATE INDEX data_requests_open ON data_requests (answered_at, due_at);
CREATE INDEX data_requests_user ON data_requests (user_id, id);
