-- Retention of personal data (RGPD art. 5-1-e): how long each category is kept and what
-- the daily retention job removed.

-- The commune's periods, in months, where it departs from Parvis's defaults (see
-- app/src/privacy/retention.rs). Requests follow the period of their own service
-- (services.retention_months).
CREATE TABLE retention_settings (
    category TEXT    PRIMARY KEY,
    months   INTEGER NOT NULL CHECK (months BETWEEN 1 AND 1200)
);

-- One row per category and run that removed something: counts, never contents.
CREATE TABLE retention_purges (
    id       INTEGER PRIMARY KEY,
    ran_at   BIGINT  NOT NULL,
    category TEXT    NOT NULL,
    purged   BIGINT  NOT NULL
);
CREATE INDEX retention_purges_ran ON retention_purges (ran_at);
