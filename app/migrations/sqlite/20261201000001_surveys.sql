-- Civic surveys (consultations): what agents build, who took part, what was answered.
--
-- Anonymity: in an anonymous survey the participation (who took part) and the response
-- (what was answered) share no column, no key and no time. Responses get a random id
-- drawn by the server and no date; answers have no id of their own and are stored
-- WITHOUT ROWID, so nothing in a row or in SQLite's hidden row numbers follows the order
-- in which people answered. Participations keep only the day.

CREATE TABLE surveys (
    id           INTEGER PRIMARY KEY,
    title        TEXT    NOT NULL,
    intro        TEXT    NOT NULL DEFAULT '',
    opens_at     INTEGER NOT NULL,
    closes_at    INTEGER NOT NULL,
    -- 'link': anyone with the link (one answer per account, or per browser plus a limit
    -- per network address); 'residents': signed-in residents only (one per account).
    audience     TEXT    NOT NULL CHECK (audience IN ('link', 'residents')),
    -- Who sees the results: everyone as answers come, everyone once closed, agents only.
    results      TEXT    NOT NULL CHECK (results IN ('live', 'after_close', 'agents')),
    anonymous    INTEGER NOT NULL DEFAULT 0,
    published_at INTEGER,
    participants INTEGER NOT NULL DEFAULT 0,
    created_by   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    CHECK (closes_at > opens_at)
);
CREATE INDEX surveys_published ON surveys (published_at, closes_at);

CREATE TABLE survey_pages (
    id        INTEGER PRIMARY KEY,
    survey_id INTEGER NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    title     TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX survey_pages_survey ON survey_pages (survey_id, position);

-- min_value/max_value: the bounds of a scale or a number; min_choices/max_choices: how
-- many options a multiple-choice question accepts; min_label/max_label: the words at
-- both ends of a scale; allow_other: an "other, please specify" option.
CREATE TABLE survey_questions (
    id          INTEGER PRIMARY KEY,
    survey_id   INTEGER NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
    page_id     INTEGER NOT NULL REFERENCES survey_pages (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    kind        TEXT    NOT NULL CHECK (kind IN ('single', 'multiple', 'scale', 'ranking',
                    'short_text', 'long_text', 'number', 'date')),
    label       TEXT    NOT NULL,
    help        TEXT    NOT NULL DEFAULT '',
    required    INTEGER NOT NULL DEFAULT 0,
    min_choices INTEGER,
    max_choices INTEGER,
    min_value   INTEGER,
    max_value   INTEGER,
    min_label   TEXT    NOT NULL DEFAULT '',
    max_label   TEXT    NOT NULL DEFAULT '',
    allow_other INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX survey_questions_survey ON survey_questions (survey_id, page_id, position);

CREATE TABLE survey_choices (
    id          INTEGER PRIMARY KEY,
    question_id INTEGER NOT NULL REFERENCES survey_questions (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    label       TEXT    NOT NULL
);
CREATE INDEX survey_choices_question ON survey_choices (question_id, position);

-- Conditional display: a page or a question is shown only when one of these choices
-- (all of one earlier question) was picked.
CREATE TABLE survey_page_conditions (
    page_id   INTEGER NOT NULL REFERENCES survey_pages (id) ON DELETE CASCADE,
    choice_id INTEGER NOT NULL REFERENCES survey_choices (id) ON DELETE CASCADE,
    PRIMARY KEY (page_id, choice_id)
);
CREATE TABLE survey_question_conditions (
    question_id INTEGER NOT NULL REFERENCES survey_questions (id) ON DELETE CASCADE,
    choice_id   INTEGER NOT NULL REFERENCES survey_choices (id) ON DELETE CASCADE,
    PRIMARY KEY (question_id, choice_id)
);

-- Who took part: one row per account, or per browser (the hash of a key kept in the
-- visitor's session) for surveys open to anyone with the link. taken_on: the day only.
CREATE TABLE survey_participations (
    survey_id   INTEGER NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
    user_id     INTEGER REFERENCES users (id) ON DELETE CASCADE,
    browser_key TEXT,
    taken_on    TEXT    NOT NULL,
    CHECK ((user_id IS NULL) <> (browser_key IS NULL)),
    UNIQUE (survey_id, user_id),
    UNIQUE (survey_id, browser_key)
);

-- What was answered. id: random. user_id and submitted_at stay NULL in anonymous surveys.
CREATE TABLE survey_responses (
    id           INTEGER PRIMARY KEY,
    survey_id    INTEGER NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
    user_id      INTEGER REFERENCES users (id) ON DELETE SET NULL,
    submitted_at INTEGER
);
CREATE INDEX survey_responses_survey ON survey_responses (survey_id);

-- One row per value: item 0 for a single value, the choice id for each option of a
-- multiple choice or a ranking, -1 for the "other" text of a multiple choice.
-- text_status: free text waits for a moderator before it is shown in public results.
CREATE TABLE survey_answers (
    response_id  INTEGER NOT NULL REFERENCES survey_responses (id) ON DELETE CASCADE,
    question_id  INTEGER NOT NULL REFERENCES survey_questions (id) ON DELETE CASCADE,
    item         INTEGER NOT NULL,
    survey_id    INTEGER NOT NULL,
    choice_id    INTEGER REFERENCES survey_choices (id) ON DELETE CASCADE,
    rank         INTEGER,
    number_value INTEGER,
    text_value   TEXT,
    text_status  TEXT CHECK (text_status IN ('pending', 'approved', 'hidden')),
    PRIMARY KEY (response_id, question_id, item)
) WITHOUT ROWID;
CREATE INDEX survey_answers_counts
    ON survey_answers (survey_id, question_id, choice_id, number_value, item, rank);
CREATE INDEX survey_answers_filter ON survey_answers (question_id, choice_id, response_id);
-- Free text and dates (a small share of the rows): their counts, first texts and date
-- spans are read from this index alone.
CREATE INDEX survey_answers_texts
    ON survey_answers (survey_id, question_id, text_status, response_id, item, text_value)
    WHERE text_value IS NOT NULL;

-- Answers in progress, resumed later. respondent: 'u:<account>' or 'b:<browser key>'.
-- Deleted in the transaction that records the response.
CREATE TABLE survey_drafts (
    survey_id  INTEGER NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
    respondent TEXT    NOT NULL,
    user_id    INTEGER REFERENCES users (id) ON DELETE CASCADE,
    answers    TEXT    NOT NULL,
    page       INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (survey_id, respondent)
);
CREATE INDEX survey_drafts_time ON survey_drafts (updated_at);
