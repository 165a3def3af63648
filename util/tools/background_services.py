"""`python -m util services up|down|status`: the stand-in and Postgres, kept running for a reader.

The stand-in's PID is recorded in the data folder's services.json; the embedded Postgres keeps
its own in its data folder.
"""
from __future__ import annotations

import asyncio
import json
import os
import signal
from contextlib import suppress

from util import settings
from util.tools.book_databases import BOOK_DATABASES, ensure_database
from util.tools.embedded_postgres import EmbeddedPostgres
from util.tools.example_site import SERVER_MODULE, ExampleSite
from util.tools.postgres_client import Postgres
from util.tools.processes import Timeout, wait_until

STATE_FILE = settings.DATA_DIR / "services.json"


def up(announce=print) -> None:
    """Start the stand-in and Postgres (with the book's databases) and leave them running."""
    state = read_state()
    configured = ExampleSite.configured()
    if ExampleSite.is_local() and not configured.answers():
        site = ExampleSite.start(configured.host, configured.port,
                                 log=settings.DATA_DIR / "example_site.log")
        state["example_site"] = site.process.pid
        write_state(state)
        announce(f"example.com stand-in: started on {settings.EXAMPLE_URL} "
                 f"(pid {site.process.pid})")
    else:
        announce(f"example.com stand-in: already answering on {settings.EXAMPLE_URL}")
    pg = Postgres()
    if pg.listening():
        announce(f"postgres: already listening on {pg.host}:{pg.port}")
    else:
        pg = EmbeddedPostgres()
        pg.start()
        announce(f"postgres: started the embedded server on {pg.host}:{pg.port}")
    for book in BOOK_DATABASES.values():
        database = book.configured_name
        if ran := asyncio.run(ensure_database(pg, database, book_name=book.name)):
            announce(f"postgres: filled database {database!r} with {', '.join(ran)}")


def down(announce=print) -> None:
    """Stop what `up` started."""
    state = read_state()
    pid = state.pop("example_site", None)
    if pid and _is_example_site(pid):
        os.kill(pid, signal.SIGTERM)
        with suppress(Timeout):
            wait_until(lambda: not _is_example_site(pid), 10, "the stand-in exits",
                       interval=0.05)
        announce(f"example.com stand-in: stopped (pid {pid})")
    else:
        announce("example.com stand-in: not started by `services up`")
    write_state(state)
    embedded = EmbeddedPostgres()
    if embedded.initialized() and embedded.running():
        embedded.stop()
        announce("postgres: stopped the embedded server")
    else:
        announce("postgres: the embedded server is not running")


def status(announce=print) -> None:
    stand_in = "answering" if ExampleSite.configured().answers() else "not running"
    announce(f"example.com stand-in ({settings.EXAMPLE_URL}): {stand_in}")
    pg = Postgres()
    embedded = EmbeddedPostgres()
    if embedded.initialized() and embedded.running():
        announce(f"postgres ({pg.host}:{pg.port}): the embedded server listening")
    elif pg.listening():
        announce(f"postgres ({pg.host}:{pg.port}): a server not started by this project "
                 f"listening")
    else:
        announce(f"postgres ({pg.host}:{pg.port}): not running")


def read_state() -> dict:
    with suppress(OSError, ValueError):
        return json.loads(STATE_FILE.read_text())
    return {}


def write_state(state: dict) -> None:
    STATE_FILE.parent.mkdir(parents=True, exist_ok=True)
    STATE_FILE.write_text(json.dumps(state))


def _is_example_site(pid: int) -> bool:
    with suppress(OSError):
        return SERVER_MODULE.encode() in open(f"/proc/{pid}/cmdline", "rb").read()
    return False
