-- Sign-in: verified e-mail, several roles per person, database sessions, single-use
-- e-mail tokens, the mail outbox, rate-limit counters and the audit log.

ALTER TABLE users ADD COLUMN email_verified_at BIGINT;

-- Every account is a resident (citizen); staff roles are granted on top.
CREATE TABLE user_roles (
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role       TEXT   NOT NULL CHECK (role IN ('agent', 'moderator', 'admin')),
    granted_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, role)
);
INSERT INTO user_roles (user_id, role, granted_at)
    SELECT id, role, created_at FROM users WHERE role <> 'citizen';
ALTER TABLE users DROP COLUMN role;

-- Server-side sessions (tower-sessions records). user_id is copied out of the data so
-- a person's sessions can be listed and ended together.
CREATE TABLE sessions (
    id           TEXT   PRIMARY KEY,
    data         TEXT   NOT NULL,
    expires_at   BIGINT NOT NULL,
    user_id      BIGINT REFERENCES users (id) ON DELETE CASCADE,
    signed_in_at BIGINT,
    user_agent   TEXT
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expiry ON sessions (expires_at);

-- Links sent by e-mail. Only a SHA-256 of the token is kept; used_at makes them single use.
CREATE TABLE auth_tokens (
    token_hash TEXT   PRIMARY KEY,
    purpose    TEXT   NOT NULL CHECK (purpose IN ('verify_email', 'reset_password', 'magic_link', 'change_email')),
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    email      TEXT   NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT
);
CREATE INDEX auth_tokens_user ON auth_tokens (user_id, purpose);

-- Mails waiting to be sent (or sent). A worker drains it with retries and backoff.
CREATE TABLE mail_outbox (
    id              INTEGER PRIMARY KEY,
    to_address      TEXT    NOT NULL,
    subject         TEXT    NOT NULL,
    text_body       TEXT    NOT NULL,
    html_body       TEXT    NOT NULL,
    created_at      BIGINT  NOT NULL,
    next_attempt_at BIGINT  NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    sent_at         BIGINT,
    failed_at       BIGINT,
    last_error      TEXT
);
CREATE INDEX mail_outbox_due ON mail_outbox (next_attempt_at) WHERE sent_at IS NULL AND failed_at IS NULL;

-- Fixed-window counters: one row per (bucket, window start).
CREATE TABLE rate_limits (
    bucket       TEXT    NOT NULL,
    window_start BIGINT  NOT NULL,
    hits         INTEGER NOT NULL,
    PRIMARY KEY (bucket, window_start)
);

-- Who did what to whom, for the commune's audits (role changes, …).
CREATE TABLE audit_log (
    id             INTEGER PRIMARY KEY,
    actor_user_id  BIGINT REFERENCES users (id) ON DELETE SET NULL,
    action         TEXT   NOT NULL,
    target_user_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    detail         TEXT   NOT NULL DEFAULT '',
    created_at     BIGINT NOT NULL
);
CREATE INDEX audit_log_target ON audit_log (target_user_id, created_at);
