"""Listing 10.4 — Creating and destroying a database pool

Section 10.3.2. Needs: nothing.

What to watch: nothing runs here. Listings 10.5-10.7 register create_database_pool as a startup
hook, each binding its own database with functools.partial (aiohttp calls the hook with the app
alone), and destroy_database_pool as a cleanup hook. The pool holds six connections.

Differs from the book: nothing. (aiohttp 3.9+ prefers a web.AppKey to the string key "database";
the NotAppKeyWarning it emits for string keys is hidden by aiohttp's default warning filter.)
"""
import asyncpg
from aiohttp.web_app import Application
from asyncpg.pool import Pool

DB_KEY = 'database'


async def create_database_pool(app: Application,
                               host: str,
                               port: int,
                               user: str,
                               database: str,
                               password: str):
    pool: Pool = await asyncpg.create_pool(host=host,
                                           port=port,
                                           user=user,
                                           password=password,
                                           database=database,
                                           min_size=6,
                                           max_size=6)
    app[DB_KEY] = pool


async def destroy_database_pool(app: Application):
    pool: Pool = app[DB_KEY]
    await pool.close()
