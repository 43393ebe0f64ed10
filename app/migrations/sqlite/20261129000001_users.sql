-- Accounts. Timestamps are milliseconds since the Unix epoch (UTC), from the app clock.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    email         TEXT    NOT NULL UNIQUE,
    display_name  TEXT    NOT NULL,
    role          TEXT    NOT NULL CHECK (role IN ('citizen', 'agent', 'moderator', 'admin')),
    password_hash TEXT,
    created_at    BIGINT  NOT NULL,
    updated_at    BIGINT  NOT NULL
);
