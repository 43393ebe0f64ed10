-- Moderation: flags, the review queue, decisions with reasons (the public log), appeals,
-- sanctions, pre-moderation and watched words.

-- Where a contribution stands: published, held until a moderator approves it
-- (pre-moderation, watched words, new accounts), or hidden by moderation. Only published
-- contributions are shown to anyone but their author and moderators, and counted.
ALTER TABLE proposals ADD COLUMN moderation TEXT NOT NULL DEFAULT 'published'
    CHECK (moderation IN ('published', 'held', 'hidden'));
ALTER TABLE proposal_comments ADD COLUMN moderation TEXT NOT NULL DEFAULT 'published'
    CHECK (moderation IN ('published', 'held', 'hidden'));
CREATE INDEX proposals_author ON proposals (author_id, created_at);
CREATE INDEX proposal_comments_author_time ON proposal_comments (author_id, created_at);

-- Themes whose contributions wait for a moderator's approval.
ALTER TABLE forum_themes ADD COLUMN premoderated BIGINT NOT NULL DEFAULT 0;

-- Every decision about a contribution or an account, with its statement of reasons. The
-- public log reads it without the moderator and without any text; the audit log (with
-- the moderator) is written in the same transaction. item_kind 'account' rows are
-- sanctions (item_id: the person). previous_text keeps what a redaction removed, for
-- moderators only. appeal_id: the appeal this decision settled.
CREATE TABLE moderation_decisions (
    id            INTEGER PRIMARY KEY,
    item_kind     TEXT   NOT NULL CHECK (item_kind IN ('proposal', 'comment', 'account')),
    item_id       BIGINT NOT NULL,
    proposal_id   BIGINT REFERENCES proposals (id) ON DELETE SET NULL,
    author_id     BIGINT REFERENCES users (id) ON DELETE SET NULL,
    moderator_id  BIGINT REFERENCES users (id) ON DELETE SET NULL,
    action        TEXT   NOT NULL CHECK (action IN ('keep', 'hide', 'auto_hide', 'restore',
                      'approve', 'redact', 'warn', 'suspend', 'ban', 'lift')),
    reason        TEXT   CHECK (reason IN ('spam', 'abuse', 'personal_data', 'off_topic',
                      'illegal', 'other')),
    rule          TEXT   NOT NULL DEFAULT '',
    note          TEXT   NOT NULL DEFAULT '',
    previous_text TEXT,
    appeal_id     BIGINT,
    created_at    BIGINT NOT NULL
);
CREATE INDEX moderation_decisions_item ON moderation_decisions (item_kind, item_id, id);
CREATE INDEX moderation_decisions_author ON moderation_decisions (author_id, id);
CREATE INDEX moderation_decisions_time ON moderation_decisions (created_at, id);

-- One flag per person per contribution. snapshot: the text as it was when flagged.
-- A decision resolves the open flags of its contribution.
CREATE TABLE moderation_flags (
    id          INTEGER PRIMARY KEY,
    item_kind   TEXT   NOT NULL CHECK (item_kind IN ('proposal', 'comment')),
    item_id     BIGINT NOT NULL,
    user_id     BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    reason      TEXT   NOT NULL CHECK (reason IN ('spam', 'abuse', 'personal_data',
                    'off_topic', 'illegal', 'other')),
    detail      TEXT   NOT NULL DEFAULT '',
    snapshot    TEXT   NOT NULL,
    created_at  BIGINT NOT NULL,
    resolved_at BIGINT,
    decision_id BIGINT REFERENCES moderation_decisions (id) ON DELETE SET NULL,
    UNIQUE (item_kind, item_id, user_id)
);
CREATE INDEX moderation_flags_item ON moderation_flags (item_kind, item_id, resolved_at);

-- The review queue: one row per contribution waiting for a moderator (flagged, held or
-- hidden automatically). cause: why it is there; reason: of its first flag.
CREATE TABLE moderation_queue (
    item_kind   TEXT   NOT NULL CHECK (item_kind IN ('proposal', 'comment')),
    item_id     BIGINT NOT NULL,
    proposal_id BIGINT NOT NULL REFERENCES proposals (id) ON DELETE CASCADE,
    author_id   BIGINT REFERENCES users (id) ON DELETE SET NULL,
    cause       TEXT   NOT NULL CHECK (cause IN ('flags', 'premoderation', 'watched_word',
                    'new_account')),
    reason      TEXT,
    flag_count  BIGINT NOT NULL DEFAULT 0,
    entered_at  BIGINT NOT NULL,
    PRIMARY KEY (item_kind, item_id)
);
CREATE INDEX moderation_queue_age ON moderation_queue (entered_at);

-- An author's appeal against a decision: one per decision, settled by another moderator.
CREATE TABLE moderation_appeals (
    id          INTEGER PRIMARY KEY,
    decision_id BIGINT NOT NULL UNIQUE REFERENCES moderation_decisions (id) ON DELETE CASCADE,
    author_id   BIGINT REFERENCES users (id) ON DELETE CASCADE,
    text        TEXT   NOT NULL,
    created_at  BIGINT NOT NULL,
    decided_at  BIGINT,
    decided_by  BIGINT REFERENCES users (id) ON DELETE SET NULL,
    upheld      BIGINT
);
CREATE INDEX moderation_appeals_open ON moderation_appeals (decided_at, created_at);

-- Warnings, posting suspensions (ends_at) and bans (no end). A sanction is in force
-- while not lifted and not past its end: it expires by itself.
CREATE TABLE moderation_sanctions (
    id           INTEGER PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind         TEXT   NOT NULL CHECK (kind IN ('warning', 'suspension', 'ban')),
    reason       TEXT   NOT NULL,
    note         TEXT   NOT NULL DEFAULT '',
    decision_id  BIGINT REFERENCES moderation_decisions (id) ON DELETE SET NULL,
    created_at   BIGINT NOT NULL,
    ends_at      BIGINT,
    lifted_at    BIGINT
);
CREATE INDEX moderation_sanctions_user ON moderation_sanctions (user_id, created_at);

-- Words that send a contribution to the queue instead of publishing it (folded: lower
-- case, no accents).
CREATE TABLE moderation_watched_words (
    word       TEXT   PRIMARY KEY,
    created_at BIGINT NOT NULL
);

-- Notifications about moderation decisions (a contribution hidden, restored, an appeal
-- settled): SQLite cannot change a CHECK constraint, so the table is rebuilt.
CREATE TABLE notifications_next (
    id          INTEGER PRIMARY KEY,
    user_id     BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind        TEXT    NOT NULL CHECK (kind IN ('answer', 'comments', 'moderation')),
    proposal_id BIGINT  NOT NULL REFERENCES proposals (id) ON DELETE CASCADE,
    item_count  BIGINT  NOT NULL DEFAULT 1,
    created_at  BIGINT  NOT NULL,
    updated_at  BIGINT  NOT NULL,
    read_at     BIGINT,
    decision_id BIGINT  REFERENCES moderation_decisions (id) ON DELETE CASCADE
);
INSERT INTO notifications_next (id, user_id, kind, proposal_id, item_count, created_at,
    updated_at, read_at)
    SELECT id, user_id, kind, proposal_id, item_count, created_at, updated_at, read_at
    FROM notifications;
DROP TABLE notifications;
ALTER TABLE notifications_next RENAME TO notifications;
CREATE INDEX notifications_user ON notifications (user_id, read_at, updated_at);
CREATE INDEX notifications_proposal ON notifications (proposal_id, kind);

-- The comment a live event carries, so that hiding or redacting a comment also removes
-- the events holding its text (a reconnecting browser replays events).
ALTER TABLE forum_events ADD COLUMN item_id BIGINT;
CREATE INDEX forum_events_item ON forum_events (proposal_id, item_id);

-- Lists, counts and searches read published proposals only: their orders are partial
-- indexes of the published rows, so a page is read in order and counting reads one of
-- these indexes, not every row of the table.
DROP INDEX proposals_newest;
DROP INDEX proposals_supported;
DROP INDEX proposals_discussed;
DROP INDEX proposals_answered;
CREATE INDEX proposals_newest ON proposals (created_at DESC, id DESC) WHERE moderation = 'published';
CREATE INDEX proposals_supported ON proposals (support_count DESC, id DESC) WHERE moderation = 'published';
CREATE INDEX proposals_discussed ON proposals (comment_count DESC, id DESC) WHERE moderation = 'published';
CREATE INDEX proposals_answered ON proposals (answered_at DESC, id DESC) WHERE moderation = 'published';
