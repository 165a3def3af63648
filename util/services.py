"""Starting and stopping what listings need: the example.com stand-in and Postgres.

`Services` starts what one run needs and stops exactly what it started; `up`, `down` and
`status` keep the same services running for a reader, recording the stand-in's PID in
`.data/services.json` (the embedded Postgres keeps its own in its data folder).
"""
from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from contextlib import suppress

import psutil

from util import settings
from util.listings import Need, find
from util.postgres import (
    DATA_DIR,
    LOADERS,
    REPO,
    EmbeddedPostgres,
    Postgres,
    ensure_database,
    port_open,
    record_loader_run,
)

STATE_FILE = settings.DATA_DIR / "services.json"
STAND_IN_LATENCY = 0.1  # like a real site
BOOK_DATABASES = {"products": settings.PRODUCTS_DB, "cart": settings.CART_DB,
                  "favorites": settings.FAVORITES_DB}


CHAPTER_10_SERVICES = ("10.7", "10.1", "10.5", "10.6")  # the BFF's need `microservices`


class ServiceError(Exception):
    """A service could not be started; the message is for the reader."""


def stand_in_is_local() -> bool:
    return settings.EXAMPLE_URL == f"http://{settings.EXAMPLE_HOST}:{settings.EXAMPLE_PORT}"


def stand_in_answers() -> bool:
    """True if the example.com stand-in (not some other program) answers on its port."""
    if not port_open(settings.EXAMPLE_HOST, settings.EXAMPLE_PORT):
        return False
    try:
        with urllib.request.urlopen(f"{settings.EXAMPLE_URL}/__stats", timeout=2) as response:
            return "started" in json.load(response)
    except (OSError, ValueError):
        return False


def start_stand_in(detach: bool = False) -> subprocess.Popen:
    """Start `python -m util.example_site` on the configured port; `detach` keeps it running
    after this process exits (its output then goes to the data folder's example_site.log)."""
    if port_open(settings.EXAMPLE_HOST, settings.EXAMPLE_PORT):
        raise ServiceError(f"port {settings.EXAMPLE_PORT} is in use by another program: "
                           f"set EXAMPLE_PORT to a free port for the example.com stand-in")
    log = settings.DATA_DIR / "example_site.log"
    if detach:
        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
    with open(log if detach else os.devnull, "wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "util.example_site", "--host", settings.EXAMPLE_HOST,
             "--port", str(settings.EXAMPLE_PORT), "--latency", str(STAND_IN_LATENCY)],
            cwd=REPO, stdin=subprocess.DEVNULL, stdout=output,
            stderr=output if detach else subprocess.PIPE, start_new_session=detach)
    deadline = time.monotonic() + 15
    while not stand_in_answers():
        if process.poll() is not None or time.monotonic() > deadline:
            stop_process(process)
            error = (log.read_bytes() if detach else process.stderr.read()).decode().strip()
            raise ServiceError(error.splitlines()[-1] if error
                               else "the example.com stand-in did not start")
        time.sleep(0.05)
    return process


def stop_process(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class Services:
    """Everything one listing run needs, started on enter and stopped on exit."""

    def __init__(self, needs: tuple[Need, ...], module: str | None = None, announce=print):
        self.needs = needs
        self.module = module  # the listing about to run: loaders stop before it
        self.announce = announce
        self.stand_in: subprocess.Popen | None = None
        self.postgres: EmbeddedPostgres | None = None
        self.peers: list[subprocess.Popen] = []
        self.databases: dict[str, str] = {}  # book name -> database used
        self.server: Postgres | None = None

    def __enter__(self) -> Services:
        try:
            for need in self.needs:
                if need.kind == "example-site":
                    self._example_http()
                elif need.kind == "postgres":
                    self._postgres(need.args)
                elif need.kind == "data":
                    self._data()
                elif need.kind == "peer":
                    self._peers(need.args)
                elif need.kind == "microservices":
                    self._services()
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc_info) -> None:
        while self.peers:
            stop_process(self.peers.pop())
        if self.stand_in is not None:
            stop_process(self.stand_in)
            self.stand_in = None
        if self.postgres is not None:
            self.postgres.stop()
            self.postgres = None

    def _example_http(self) -> None:
        if not stand_in_is_local() or stand_in_answers():
            return
        self.stand_in = start_stand_in()
        self.announce(f"[util] started the example.com stand-in on {settings.EXAMPLE_URL}")

    def _postgres(self, databases: tuple[str, ...]) -> None:
        pg = Postgres()
        if not pg.listening():
            self.announce(f"[util] starting the embedded Postgres on "
                          f"{pg.host}:{pg.port} (data in {DATA_DIR})")
            self.postgres = EmbeddedPostgres()
            self.postgres.start()
            pg = self.postgres
        asyncio.run(pg.server_version())  # a clear error if it refuses the book's password
        self.server = pg
        for name in databases:
            database = BOOK_DATABASES.get(name, name)
            self.databases[name] = database
            if not asyncio.run(pg.database_exists(database)):
                self.announce(f"[util] created database {database!r}")
            ran = asyncio.run(ensure_database(pg, database, loader_key=name, before=self.module))
            if ran:
                self.announce(f"[util] filled database {database!r} with {', '.join(ran)}")

    def _data(self) -> None:
        """Make the chapter's data files (chapter_NN/make_data.py; it skips what exists)."""
        maker = f"{self.module.split('.')[0]}.make_data"
        result = subprocess.run([sys.executable, "-m", maker], cwd=REPO,
                                stdin=subprocess.DEVNULL, capture_output=True, text=True)
        if result.returncode != 0:
            raise ServiceError(f"{maker} could not make the data: "
                               f"{(result.stderr.strip().splitlines() or ['?'])[-1]}")
        for line in result.stdout.splitlines():
            self.announce(f"[util] {line}")

    def _peers(self, listing_ids: tuple[str, ...]) -> None:
        """Start the listings this one talks to (the chat server for its client), each in the
        background with its output in the data folder, and wait until each listens."""
        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
        for listing_id in listing_ids:
            peer = find(listing_id)
            log = settings.DATA_DIR / f"{peer.path.stem}.log"
            with open(log, "wb") as output:
                process = subprocess.Popen(
                    [sys.executable, "-u", "-m", peer.module], cwd=REPO, stdin=subprocess.DEVNULL,
                    stdout=output, stderr=subprocess.STDOUT)
            self.peers.append(process)
            deadline = time.monotonic() + 15
            while not listening_ports(process.pid):
                if process.poll() is not None or time.monotonic() > deadline:
                    stop_process(process)
                    last = (log.read_text(errors="replace").strip().splitlines() or ["?"])[-1]
                    raise ServiceError(f"listing {listing_id} did not start: {last}")
                time.sleep(0.05)
            self.announce(f"[util] started listing {listing_id} ({peer.caption}); "
                          f"its output goes to {log}")

    def _services(self) -> None:
        """The chapter-10 services the backend-for-frontend (10.8) calls: the product (10.7),
        inventory (10.1), favorites (10.5) and cart (10.6) services, their databases created
        and filled first."""
        self._postgres(("products", "favorites", "cart"))
        self._peers(CHAPTER_10_SERVICES)

    def listing_succeeded(self) -> None:
        """Record that the listing, if it fills a database (5.3), has now done so."""
        for name, database in self.databases.items():
            if self.module in LOADERS.get(name, []):
                asyncio.run(record_loader_run(self.server, database, self.module))


def up(announce=print) -> None:
    """Start the stand-in and Postgres (with the book's databases) and leave them running."""
    state = read_state()
    if stand_in_is_local() and not stand_in_answers():
        process = start_stand_in(detach=True)
        state["example_site"] = process.pid
        write_state(state)
        announce(f"example.com stand-in: started on {settings.EXAMPLE_URL} (pid {process.pid})")
    else:
        announce(f"example.com stand-in: already answering on {settings.EXAMPLE_URL}")
    pg = Postgres()
    if pg.listening():
        announce(f"postgres: already listening on {pg.host}:{pg.port}")
    else:
        pg = EmbeddedPostgres()
        pg.start()
        announce(f"postgres: started the embedded server on {pg.host}:{pg.port}")
    for name in LOADERS:
        database = BOOK_DATABASES.get(name, name)
        if ran := asyncio.run(ensure_database(pg, database, loader_key=name)):
            announce(f"postgres: filled database {database!r} with {', '.join(ran)}")


def down(announce=print) -> None:
    """Stop what `up` started."""
    state = read_state()
    pid = state.pop("example_site", None)
    if pid and _is_stand_in(pid):
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        while _is_stand_in(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
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
    stand_in = "answering" if stand_in_answers() else "not running"
    announce(f"example.com stand-in ({settings.EXAMPLE_URL}): {stand_in}")
    pg = Postgres()
    embedded = EmbeddedPostgres()
    if embedded.initialized() and embedded.running():
        where = "the embedded server"
    elif pg.listening():
        where = "a server not started by this project"
    else:
        where = "nothing"
    announce(f"postgres ({pg.host}:{pg.port}): {where} listening"
             if where != "nothing" else f"postgres ({pg.host}:{pg.port}): not running")


def listening_ports(pid: int) -> set[int]:
    """The TCP ports process `pid` listens on (found without connecting to them)."""
    with suppress(psutil.Error):
        return {c.laddr.port for c in psutil.Process(pid).net_connections(kind="tcp")
                if c.status == psutil.CONN_LISTEN}
    return set()


def read_state() -> dict:
    with suppress(OSError, ValueError):
        return json.loads(STATE_FILE.read_text())
    return {}


def write_state(state: dict) -> None:
    STATE_FILE.parent.mkdir(parents=True, exist_ok=True)
    STATE_FILE.write_text(json.dumps(state))


def _is_stand_in(pid: int) -> bool:
    with suppress(OSError):
        return b"util.example_site" in open(f"/proc/{pid}/cmdline", "rb").read()
    return False
