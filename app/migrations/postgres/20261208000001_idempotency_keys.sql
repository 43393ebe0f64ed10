-- Forms that create something carry a key drawn when the form was rendered (`__once`).
-- The first transaction that writes while serving such a post records the key, in the
-- same commit as what it creates; a repeated post (a browser or proxy retrying after a
-- lost answer) finds it and gets the first answer back instead of creating the thing
-- again (server/idempotency.rs). Kept one day.
-- principal: `u<account id>` for someone signed in, `anonymous` otherwise.
-- status, location: the first answer, recorded once it was sent (NULL until then, or
-- for ever if the process stopped in between).
CREATE TABLE idempotency_keys (
    principal  TEXT NOT NULL,
    key        TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    status     INTEGER,
    location   TEXT,
    PRIMARY KEY (principal, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
