-- Anonymous surveys: answers wait here, sealed with the instance's key (never stored in
-- the database), until at least five are written together as responses in a shuffled
-- order, in a transaction of their own, or the survey closes (surveys/pool.rs).
-- id: random. No time, no reference to a person or a participation.
CREATE TABLE survey_pool (
    id        INTEGER PRIMARY KEY,
    survey_id INTEGER NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
    sealed    TEXT NOT NULL
);
CREATE INDEX survey_pool_survey ON survey_pool (survey_id);
