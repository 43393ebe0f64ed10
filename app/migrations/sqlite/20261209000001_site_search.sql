-- The site search (/recherche). A service is also found by its keywords: the words a
-- resident types that its title does not hold ("école" for the canteen).
ALTER TABLE services ADD COLUMN keywords TEXT NOT NULL DEFAULT '';
