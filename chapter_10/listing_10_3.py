"""Listing 10.3 — The user favorites table

Section 10.3.2. Needs: postgres.

What to watch: the listing is SQL, listing_10_3.sql, which the book runs with psql in the favorites
database. This module runs it the same way in a fresh database, listing_10_3 (dropped first if it
exists, then left for you to inspect with psql), and prints the table: six rows: users 1 and 3 each
have products 1, 2 and 3 as favorites.

Differs from the book: the book has no module for this listing; `python -m chapter_10.load_sql
favorites` runs the file in the favorites database itself, as `psql -d favorites -f` would.
"""
import asyncio

from chapter_10.load_sql import show_in_fresh_database

if __name__ == "__main__":
    asyncio.run(show_in_fresh_database("favorites"))
