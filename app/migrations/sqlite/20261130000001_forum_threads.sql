-- The forum, second part: editing, comments, official answers with their history,
-- follows, in-app notifications, live-update events, and once-only periodic jobs.

-- The language mails are written in (the resident's last choice on the site).
ALTER TABLE users ADD COLUMN lang TEXT NOT NULL DEFAULT 'fr' CHECK (lang IN ('fr', 'en'));

-- edited_at: last change by the author. event_seq: number of the proposal's last live
-- event; incremented under the proposal's row lock, so events are numbered in the order
-- their transactions commit (a reconnecting browser resumes after the last one it saw).
ALTER TABLE proposals ADD COLUMN edited_at BIGINT;
ALTER TABLE proposals ADD COLUMN event_seq BIGINT NOT NULL DEFAULT 0;

-- Threaded comments. A top-level comment has no parent and no root; a reply keeps the
-- id of the top-level comment of its thread (root_id) so a page of threads is read in
-- two queries. A deleted comment keeps its place (its replies stay) without its text.
CREATE TABLE proposal_comments (
    id          INTEGER PRIMARY KEY,
    proposal_id BIGINT  NOT NULL REFERENCES proposals (id) ON DELETE CASCADE,
    parent_id   BIGINT  REFERENCES proposal_comments (id) ON DELETE CASCADE,
    root_id     BIGINT  REFERENCES proposal_comments (id) ON DELETE CASCADE,
    depth       BIGINT  NOT NULL DEFAULT 0 CHECK (depth >= 0),
    author_id   BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    body        TEXT    NOT NULL,
    body_html   TEXT    NOT NULL,
    created_at  BIGINT  NOT NULL,
    edited_at   BIGINT,
    deleted_at  BIGINT,
    CHECK ((parent_id IS NULL) = (root_id IS NULL))
);
CREATE INDEX proposal_comments_roots ON proposal_comments (proposal_id, parent_id, id);
CREATE INDEX proposal_comments_thread ON proposal_comments (root_id, id);
CREATE INDEX proposal_comments_author ON proposal_comments (author_id);

-- Every status change by the town hall, with its official answer (Markdown and HTML).
CREATE TABLE proposal_answers (
    id          INTEGER PRIMARY KEY,
    proposal_id BIGINT  NOT NULL REFERENCES proposals (id) ON DELETE CASCADE,
    agent_id    BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    status      TEXT    NOT NULL
                CHECK (status IN ('open', 'under_study', 'accepted', 'rejected', 'done')),
    answer      TEXT    NOT NULL,
    answer_html TEXT    NOT NULL,
    created_at  BIGINT  NOT NULL
);
CREATE INDEX proposal_answers_proposal ON proposal_answers (proposal_id, id);

-- Who follows a proposal. digest_after: the last comment already sent in a daily digest.
CREATE TABLE proposal_follows (
    proposal_id  BIGINT NOT NULL REFERENCES proposals (id) ON DELETE CASCADE,
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   BIGINT NOT NULL,
    digest_after BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (proposal_id, user_id)
);
CREATE INDEX proposal_follows_user ON proposal_follows (user_id);

-- In-app notifications. New comments on one proposal gather in one unread notification
-- (item_count says how many); an answer is one notification.
CREATE TABLE notifications (
    id          INTEGER PRIMARY KEY,
    user_id     BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind        TEXT    NOT NULL CHECK (kind IN ('answer', 'comments')),
    proposal_id BIGINT  NOT NULL REFERENCES proposals (id) ON DELETE CASCADE,
    item_count  BIGINT  NOT NULL DEFAULT 1,
    created_at  BIGINT  NOT NULL,
    updated_at  BIGINT  NOT NULL,
    read_at     BIGINT
);
CREATE INDEX notifications_user ON notifications (user_id, read_at, updated_at);
CREATE INDEX notifications_proposal ON notifications (proposal_id, kind);

-- Live-update events of a proposal page, kept for a while so that a browser that
-- reconnects (to any server process) receives what it missed.
CREATE TABLE forum_events (
    proposal_id BIGINT NOT NULL REFERENCES proposals (id) ON DELETE CASCADE,
    seq         BIGINT NOT NULL,
    kind        TEXT   NOT NULL,
    payload     TEXT   NOT NULL,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (proposal_id, seq)
);
CREATE INDEX forum_events_age ON forum_events (created_at);

-- Periodic jobs (the daily digest…): when each last ran and which process holds it now,
-- so that several server processes run it once.
CREATE TABLE job_runs (
    name        TEXT   PRIMARY KEY,
    last_run_at BIGINT NOT NULL DEFAULT 0,
    lease_until BIGINT NOT NULL DEFAULT 0
);
