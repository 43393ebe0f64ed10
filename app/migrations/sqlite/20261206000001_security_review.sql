-- Security review (issue 22).

-- A link mailed to confirm a new account's address remembers the browser that chose its
-- password (the SHA-256 of a secret kept in that browser's cookie): opened anywhere else,
-- proving the address drops that password.
ALTER TABLE auth_tokens ADD COLUMN browser_hash TEXT;

-- Live events named comments with their text and author, and were replayed to anyone
-- for a day, edits and deletions included: they now carry ids only. Forget the old ones.
DELETE FROM forum_events;

-- One export under way per person, enforced by the database (parallel requests used to
-- slip past a check made before the insert). Older duplicates are marked failed first.
UPDATE data_exports SET status = 'failed'
 WHERE status IN ('pending', 'running')
   AND id NOT IN (SELECT MAX(id) FROM data_exports WHERE status IN ('pending', 'running') GROUP BY user_id);
CREATE UNIQUE INDEX data_exports_one_under_way ON data_exports (user_id) WHERE status IN ('pending', 'running');

-- Attachment names lose the characters that reorder or hide text (a name showing as
-- "factureexe.pdf" in agents' lists while being "facture<RLO>fdp.exe").
UPDATE request_attachments SET file_name = replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(file_name, char(8203), ''), char(8204), ''), char(8205), ''), char(8206), ''), char(8207), ''), char(8234), ''), char(8235), ''), char(8236), ''), char(8237), ''), char(8238), ''), char(8294), ''), char(8295), ''), char(8296), ''), char(8297), ''), char(65279), ''), char(1564), '')
 WHERE file_name LIKE '%' || char(8203) || '%' OR file_name LIKE '%' || char(8204) || '%' OR file_name LIKE '%' || char(8205) || '%' OR file_name LIKE '%' || char(8206) || '%' OR file_name LIKE '%' || char(8207) || '%' OR file_name LIKE '%' || char(8234) || '%' OR file_name LIKE '%' || char(8235) || '%' OR file_name LIKE '%' || char(8236) || '%' OR file_name LIKE '%' || char(8237) || '%' OR file_name LIKE '%' || char(8238) || '%' OR file_name LIKE '%' || char(8294) || '%' OR file_name LIKE '%' || char(8295) || '%' OR file_name LIKE '%' || char(8296) || '%' OR file_name LIKE '%' || char(8297) || '%' OR file_name LIKE '%' || char(65279) || '%' OR file_name LIKE '%' || char(1564) || '%';
