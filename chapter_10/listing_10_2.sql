-- Listing 10.2 — The user cart table (section 10.3.2)
-- Run it in the cart database: psql -d cart -f chapter_10/listing_10_2.sql
-- (or `python -m chapter_10.load_sql cart`; `python -m util run 10.6` creates and fills the database for you).
-- A second run fails: the table already exists.
CREATE TABLE user_cart(
    user_id    INT NOT NULL,
    product_id INT NOT NULL
);

INSERT INTO user_cart VALUES (1, 1);
INSERT INTO user_cart VALUES (1, 2);
INSERT INTO user_cart VALUES (1, 3);
INSERT INTO user_cart VALUES (2, 1);
INSERT INTO user_cart VALUES (2, 2);
INSERT INTO user_cart VALUES (2, 5);
