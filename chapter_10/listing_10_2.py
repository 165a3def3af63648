"""Listing 10.2 — The user cart table

Section 10.3.2. Needs: postgres.

What to watch: the listing is SQL, listing_10_2.sql, which the book runs with psql in the cart
database. This module runs it the same way in a fresh database, listing_10_2 (dropped first if it
exists, then left for you to inspect with psql), and prints the table: six rows: user 1 has
products 1, 2 and 3, user 2 has 1, 2 and 5, user 3's cart is empty.

Differs from the book: the book has no module for this listing; `python -m chapter_10.load_sql
cart` runs the file in the cart database itself, as `psql -d cart -f` would.
"""
import asyncio

from chapter_10.load_sql import show_in_fresh_database

if __name__ == "__main__":
    asyncio.run(show_in_fresh_database("cart"))
