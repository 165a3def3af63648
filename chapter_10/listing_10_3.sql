-- Listing 10.3 — The user favorites table (section 10.3.2)
-- Run it in the favorites database: psql -d favorites -f chapter_10/listing_10_3.sql
-- (or `python -m chapter_10.load_sql favorites`; `python -m util run 10.5` creates and fills the database for you).
-- A second run fails: the table already exists.
CREATE TABLE user_favorite(
    user_id    INT NOT NULL,
    product_id INT NOT NULL
);

INSERT INTO user_favorite VALUES (1, 1);
INSERT INTO user_favorite VALUES (1, 2);
INSERT INTO user_favorite VALUES (1, 3);
INSERT INTO user_favorite VALUES (3, 1);
INSERT INTO user_favorite VALUES (3, 2);
INSERT INTO user_favorite VALUES (3, 3);
