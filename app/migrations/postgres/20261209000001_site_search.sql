-- The site search (/recherche). A service is also found by its keywords: the words a
-- resident types that its title does not hold ("école" for the canteen).
ALTER TABLE services ADD COLUMN keywords TEXT NOT NULL DEFAULT '';

-- Proposals are searched on the words Parvis stems and folds itself (search_text), as on
-- SQLite: the 'french' configuration kept accents, so "ecole" did not find "École", and
-- the two databases did not find the same proposals. 'simple' only splits and lowers.
DROP INDEX proposals_search;
ALTER TABLE proposals DROP COLUMN search_vector;
ALTER TABLE proposals ADD COLUMN search_vector tsvector
    GENERATED ALWAYS AS (to_tsvector('simple', search_text)) STORED;
CREATE INDEX proposals_search ON proposals USING GIN (search_vector);
