"""`python -m util services up|down|status`: the stand-in and Postgres, kept running for a reader.

The data folder's services.json records what `up` started and where: each stand-in (pid,
address), each embedded Postgres (data folder, address) and the latency proxy of `up --latency`
(pid, variables), so `down` stops all of them even after `up` ran again with other addresses,
and `status` shows them.
"""
from __future__ import annotations

import asyncio
import json
import os
import signal
from contextlib import suppress
from pathlib import Path

from util import settings
from util.tools.book_databases import BOOK_DATABASES, ensure_database
from util.tools.embedded_postgres import EmbeddedPostgres
from util.tools.example_site import SERVER_MODULE, ExampleSite
from util.tools.latency import MODULE as PROXY_MODULE
from util.tools.latency import LatencyProxies
from util.tools.postgres_client import Postgres
from util.tools.processes import Timeout, wait_until

STATE_FILE = settings.DATA_DIR / "services.json"


def up(announce=print, latency_ms: float | None = None) -> None:
    """Start the stand-in and Postgres (with the book's databases) and leave them running;
    with `latency_ms`, a latency proxy in front of them too (replacing one `up` started)."""
    configured = ExampleSite.configured()
    if ExampleSite.is_local() and not configured.answers():
        site = ExampleSite.start(configured.host, configured.port,
                                 log=settings.DATA_DIR / f"example_site_{configured.port}.log")
        _record("example_sites", {"pid": site.process.pid, "host": site.host, "port": site.port})
        announce(f"example.com stand-in: started on {settings.EXAMPLE_URL} "
                 f"(pid {site.process.pid})")
    else:
        announce(f"example.com stand-in: already answering on {settings.EXAMPLE_URL}")
    pg = Postgres()
    embedded = EmbeddedPostgres()
    if pg.listening():
        announce(f"postgres: already listening on {pg.host}:{pg.port}")
    elif (elsewhere := _recorded_embedded(embedded.data_dir)) and _embedded(elsewhere).running():
        announce(f"postgres: the embedded server (data in {embedded.data_dir}) already runs on "
                 f"{elsewhere['host']}:{elsewhere['port']}: set PGPORT={elsewhere['port']} to "
                 f"use it, or `services down` first")
        return
    else:
        embedded.start()
        _record("embedded_postgres", {"data_dir": str(embedded.data_dir), "host": embedded.host,
                                      "port": embedded.port})
        announce(f"postgres: started the embedded server on {pg.host}:{pg.port}")
        pg = embedded
    for book in BOOK_DATABASES.values():
        database = book.configured_name
        if ran := asyncio.run(ensure_database(pg, database, book_name=book.name)):
            announce(f"postgres: filled database {database!r} with {', '.join(ran)}")
    if latency_ms is not None:
        _stop_proxies(announce)
        log = settings.DATA_DIR / "latency_proxy.log"
        proxies = LatencyProxies.start({"postgres", "example-site"}, latency_ms, log=log)
        _record("latency_proxies", {"pid": proxies.process.pid, "env": proxies.env,
                                    "latency_ms": latency_ms})
        exports = " ".join(f"{key}={value}" for key, value in proxies.env.items())
        announce(f"latency proxy: {proxies} (pid {proxies.process.pid}); to go through it, "
                 f"`export {exports}`")


def down(announce=print) -> None:
    """Stop everything `up` started, wherever it runs."""
    _stop_proxies(announce)
    state = read_state()
    sites = state.pop("example_sites", [])
    if not sites:
        announce("example.com stand-in: not started by `services up`")
    for site in sites:
        pid, url = site["pid"], f"http://{site['host']}:{site['port']}"
        if _runs(pid, SERVER_MODULE):
            os.kill(pid, signal.SIGTERM)
            with suppress(Timeout):
                wait_until(lambda pid=pid: not _runs(pid, SERVER_MODULE), 10,
                           "the stand-in exits", interval=0.05)
            announce(f"example.com stand-in: stopped on {url} (pid {pid})")
        else:
            announce(f"example.com stand-in: no longer running on {url}")
    servers = state.pop("embedded_postgres", [])
    write_state(state)
    if not servers:
        announce("postgres: the embedded server is not running")
    for server in servers:
        embedded = _embedded(server)
        if embedded.initialized() and embedded.running():
            embedded.stop()
            announce(f"postgres: stopped the embedded server on {embedded.host}:{embedded.port}")
        else:
            announce(f"postgres: the embedded server on {embedded.host}:{embedded.port} is not "
                     f"running")


def status(announce=print) -> None:
    configured = ExampleSite.configured()
    state = read_state()
    sites = [(configured.host, configured.port)] + [
        (site["host"], site["port"]) for site in state.get("example_sites", [])
        if (site["host"], site["port"]) != (configured.host, configured.port)]
    for host, port in sites:
        site = ExampleSite(host, port)
        announce(f"example.com stand-in ({site.url}): "
                 f"{'answering' if site.answers() else 'not running'}")
    pg = Postgres()
    embedded = EmbeddedPostgres()
    if embedded.initialized() and embedded.running():
        where = _recorded_embedded(embedded.data_dir) or {"host": pg.host, "port": pg.port}
        announce(f"postgres ({where['host']}:{where['port']}): the embedded server listening")
    elif pg.listening():
        announce(f"postgres ({pg.host}:{pg.port}): a server not started by this project "
                 f"listening")
    else:
        announce(f"postgres ({pg.host}:{pg.port}): not running")
    for proxy in state.get("latency_proxies", []):
        if _runs(proxy["pid"], PROXY_MODULE):
            exports = " ".join(f"{key}={value}" for key, value in proxy["env"].items())
            announce(f"latency proxy (pid {proxy['pid']}): {proxy['latency_ms']:g} ms each way, "
                     f"for `export {exports}`")


def _record(kind: str, entry: dict) -> None:
    """Add `entry` to the list `kind` of the state file (replacing one at the same place)."""
    state = read_state()
    same = {"embedded_postgres": ("data_dir",), "latency_proxies": ("pid",)}.get(
        kind, ("host", "port"))
    state[kind] = [old for old in state.get(kind, [])
                   if [old.get(key) for key in same] != [entry[key] for key in same]] + [entry]
    write_state(state)


def _recorded_embedded(data_dir: Path) -> dict | None:
    return next((server for server in read_state().get("embedded_postgres", [])
                 if server["data_dir"] == str(data_dir)), None)


def _embedded(server: dict) -> EmbeddedPostgres:
    return EmbeddedPostgres(host=server["host"], port=server["port"],
                            data_dir=Path(server["data_dir"]))


def read_state() -> dict:
    with suppress(OSError, ValueError):
        return json.loads(STATE_FILE.read_text())
    return {}


def write_state(state: dict) -> None:
    STATE_FILE.parent.mkdir(parents=True, exist_ok=True)
    STATE_FILE.write_text(json.dumps(state))


def _stop_proxies(announce) -> None:
    """Stop the latency proxy `up --latency` started, if it still runs."""
    state = read_state()
    for proxy in state.pop("latency_proxies", []):
        pid = proxy["pid"]
        if _runs(pid, PROXY_MODULE):
            os.kill(pid, signal.SIGTERM)
            with suppress(Timeout):
                wait_until(lambda pid=pid: not _runs(pid, PROXY_MODULE), 10, "the proxy exits",
                           interval=0.05)
            announce(f"latency proxy: stopped (pid {pid})")
    write_state(state)


def _runs(pid: int, module: str) -> bool:
    """True if process `pid` is a `python -m module` (not another that took its pid)."""
    with suppress(OSError):
        return module.encode() in open(f"/proc/{pid}/cmdline", "rb").read()
    return False
