-- The forum: themes and neighbourhoods (managed by administrators), proposals, supports.

CREATE TABLE forum_themes (
    id          INTEGER PRIMARY KEY,
    slug        TEXT    NOT NULL UNIQUE,
    name_fr     TEXT    NOT NULL,
    name_en     TEXT    NOT NULL,
    position    BIGINT  NOT NULL DEFAULT 0,
    archived_at BIGINT
);

CREATE TABLE forum_neighbourhoods (
    id          INTEGER PRIMARY KEY,
    slug        TEXT    NOT NULL UNIQUE,
    name_fr     TEXT    NOT NULL,
    name_en     TEXT    NOT NULL,
    position    BIGINT  NOT NULL DEFAULT 0,
    archived_at BIGINT
);

-- A withdrawn proposal stays readable (withdrawn_at set). The counters are updated in the
-- same transaction as the rows they count. search_text holds the stemmed words indexed
-- by SQLite's full-text search.
CREATE TABLE proposals (
    id               INTEGER PRIMARY KEY,
    author_id        BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    theme_id         BIGINT  NOT NULL REFERENCES forum_themes (id),
    neighbourhood_id BIGINT  REFERENCES forum_neighbourhoods (id),
    title            TEXT    NOT NULL,
    body             TEXT    NOT NULL,
    body_html        TEXT    NOT NULL,
    search_text      TEXT    NOT NULL,
    status           TEXT    NOT NULL DEFAULT 'open'
                     CHECK (status IN ('open', 'under_study', 'accepted', 'rejected', 'done')),
    support_count    BIGINT  NOT NULL DEFAULT 0 CHECK (support_count >= 0),
    comment_count    BIGINT  NOT NULL DEFAULT 0 CHECK (comment_count >= 0),
    answered_at      BIGINT,
    created_at       BIGINT  NOT NULL,
    updated_at       BIGINT  NOT NULL,
    withdrawn_at     BIGINT
);
CREATE INDEX proposals_newest ON proposals (created_at DESC, id DESC);
CREATE INDEX proposals_supported ON proposals (support_count DESC, id DESC);
CREATE INDEX proposals_discussed ON proposals (comment_count DESC, id DESC);
CREATE INDEX proposals_answered ON proposals (answered_at DESC, id DESC);
CREATE INDEX proposals_theme ON proposals (theme_id);
CREATE INDEX proposals_neighbourhood ON proposals (neighbourhood_id);

-- One support per (resident, proposal), whatever the concurrency.
CREATE TABLE proposal_supports (
    proposal_id BIGINT NOT NULL REFERENCES proposals (id) ON DELETE CASCADE,
    user_id     BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (proposal_id, user_id)
);
CREATE INDEX proposal_supports_user ON proposal_supports (user_id);

CREATE VIRTUAL TABLE proposals_fts USING fts5(
    search_text,
    content = 'proposals',
    content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER proposals_fts_insert AFTER INSERT ON proposals BEGIN
    INSERT INTO proposals_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;
CREATE TRIGGER proposals_fts_delete AFTER DELETE ON proposals BEGIN
    INSERT INTO proposals_fts (proposals_fts, rowid, search_text)
        VALUES ('delete', old.id, old.search_text);
END;
CREATE TRIGGER proposals_fts_update AFTER UPDATE OF search_text ON proposals BEGIN
    INSERT INTO proposals_fts (proposals_fts, rowid, search_text)
        VALUES ('delete', old.id, old.search_text);
    INSERT INTO proposals_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;
