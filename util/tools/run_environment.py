"""What one listing run needs, started before it and stopped after it.

A listing's `Needs:` line (util.tools.listing_index) names what it needs; `RunEnvironment` starts
each, in order, and stops exactly what it started. An unknown need is an error, so a typo in a
docstring cannot go unnoticed.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

from util import settings
from util.tools import stop_signals
from util.tools.errors import ReaderError
from util.tools.listing_index import ListingInfo, Need, find
from util.tools.processes import (
    Timeout,
    listening_ports,
    module_listening,
    port_open,
    stop_process,
    wait_until,
)

CHAPTER_10_SERVICES = ("10.7", "10.1", "10.5", "10.6")  # what the need `microservices` starts
NEEDS_WITHOUT_SERVICES = {"tty", "display"}  # what the reader brings: checked, not started


class ServiceError(ReaderError):
    """Something a listing needs could not be started."""


class RunEnvironment:
    """Everything one listing run needs, started on enter and stopped on exit.

    Each need imports its tooling (the stand-in's client, Postgres and its driver) when it is
    started, so a listing that needs nothing starts at once.
    """

    def __init__(self, needs: tuple[Need, ...], module: str, announce=print,
                 listens: str | None = None, listing_id: str | None = None,
                 latency_ms: float | None = None):
        self.needs = needs
        self.module = module  # the listing about to run: loaders stop before it
        self.announce = announce
        self.listens = listens  # the util.settings port variable the listing listens on
        self.listing_id = listing_id or module
        self.example_site = None  # an ExampleSite this run started
        self.embedded_postgres = None  # an EmbeddedPostgres this run started
        self.server = None  # the Postgres in use
        self.peers: list[subprocess.Popen] = []
        self.peer_logs: dict[str, Path] = {}  # listing id -> where its output goes
        self.databases: dict[str, str] = {}  # book name -> database used
        self.latency_ms = latency_ms  # --latency: a proxy delays Postgres and the stand-in
        self.proxies = None  # the LatencyProxies this run started
        self.env: dict[str, str] = {}  # the variables for what it starts (the proxy's)
        starters = {"example-site": self._example_site, "postgres": self._postgres,
                    "data": self._data, "peer": self._peers,
                    "microservices": self._microservices}
        unknown = [str(need) for need in needs
                   if need.kind not in starters and need.kind not in NEEDS_WITHOUT_SERVICES]
        if unknown:
            known = ", ".join(sorted([*starters, *NEEDS_WITHOUT_SERVICES]))
            raise ServiceError(f"{module} needs {', '.join(unknown)}, which util does not know "
                               f"(known needs: {known})")
        self._starters = starters

    @classmethod
    def for_listing(cls, info: ListingInfo, announce=print,
                    latency_ms: float | None = None) -> RunEnvironment:
        return cls(info.needs, info.module, announce, info.listens, info.id, latency_ms)

    def __enter__(self) -> RunEnvironment:
        self._check_what_the_reader_brings()
        try:
            if self.latency_ms is not None:  # first: the peers started below go through it
                from util.tools import latency

                kinds = {need.kind for need in self.needs}
                with stop_signals.deferred():  # raised while it starts, it would be left running
                    self.proxies = latency.for_needs(kinds, self.latency_ms, self.announce)
                self.env = self.proxies.env if self.proxies else {}
            for need in self.needs:
                if need.kind in self._starters:
                    self._starters[need.kind](need.args)
                    stop_signals.check()
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc_info) -> None:
        with stop_signals.deferred():  # a second Ctrl-C must not leave half of it running
            while self.peers:
                stop_process(self.peers.pop())
            if self.proxies is not None:
                self.proxies.stop()
                self.proxies = None
            if self.example_site is not None:
                self.example_site.stop()
                self.example_site = None
            if self.embedded_postgres is not None:
                self.embedded_postgres.stop()
                self.embedded_postgres = None

    def _check_what_the_reader_brings(self) -> None:
        """The listing's own port free, a terminal, a display: one clear line if one is
        missing, before anything is started."""
        if self.listens is not None:
            port = getattr(settings, self.listens)
            if port_open(settings.SERVER_HOST, port):
                raise ServiceError(f"port {port} ({self.listens}) is in use by another program: "
                                   f"set {self.listens} to a free port")
        kinds = {need.kind for need in self.needs}
        if "tty" in kinds and not _stdin_is_a_terminal():
            raise ServiceError(f"listing {self.listing_id} reads the keys you type: run it in a "
                               f"terminal, with nothing piped or redirected into it")
        if "display" in kinds and (missing := display_missing()):
            raise ServiceError(f"listing {self.listing_id} opens a window, but {missing}: run it "
                               f"in a desktop session, or in a virtual display with `xvfb-run -a "
                               f"uv run python -m util run {self.listing_id}`")

    def _example_site(self, _args: tuple[str, ...]) -> None:
        from util.tools.example_site import ExampleSite

        configured = ExampleSite.configured()
        if not ExampleSite.is_local() or configured.answers():
            return
        with stop_signals.deferred():  # raised while it starts, it would be left running
            self.example_site = ExampleSite.start(configured.host, configured.port)
        self.announce(f"[util] started the example.com stand-in on {settings.EXAMPLE_URL}")

    def _postgres(self, book_names: tuple[str, ...]) -> None:
        import asyncio

        from util.tools.book_databases import BOOK_DATABASES, prepare_for_listing
        from util.tools.embedded_postgres import DATA_DIR, EmbeddedPostgres
        from util.tools.postgres_client import Postgres

        pg = Postgres()
        if not pg.listening():
            self.announce(f"[util] starting the embedded Postgres on "
                          f"{pg.host}:{pg.port} (data in {DATA_DIR})")
            self.embedded_postgres = EmbeddedPostgres()
            self.embedded_postgres.start()
            pg = self.embedded_postgres
        asyncio.run(pg.server_version())  # a clear error if it refuses the book's password
        self.server = pg
        for name in book_names:
            book = BOOK_DATABASES.get(name)
            database = book.configured_name if book else name
            self.databases[name] = database
            prepared = asyncio.run(prepare_for_listing(pg, database, name, self.module))
            if prepared.created:
                self.announce(f"[util] created database {database!r}")
            if prepared.state is not None:
                self.announce(f"[util] database {database!r} as the book has it before listing "
                              f"{self.listing_id}: {prepared.state}")
            elif prepared.ran:
                self.announce(f"[util] filled database {database!r} with "
                              f"{', '.join(prepared.ran)}")

    def _data(self, _args: tuple[str, ...]) -> None:
        """Make the chapter's data files (chapter_NN/make_data.py; it skips what exists)."""
        maker = f"{self.module.split('.')[0]}.make_data"
        result = subprocess.run([sys.executable, "-m", maker], cwd=settings.REPO,
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
            stop_signals.check()
            peer = find(listing_id)
            log = settings.DATA_DIR / f"{peer.path.stem}.log"
            self.peer_logs[listing_id] = log
            if peer.listens and (pid := module_listening(peer.module, peer.port())):
                self.announce(f"[util] listing {listing_id} ({peer.caption}) already runs on "
                              f"port {peer.port()} (pid {pid}): using it")
                continue
            # a stop signal while it starts waits until it is known (in self.peers), to be stopped
            with stop_signals.deferred(), open(log, "wb") as output:  # a running peer's log is kept
                process = subprocess.Popen(
                    [sys.executable, "-u", "-m", peer.module], cwd=settings.REPO,
                    env=os.environ | self.env, stdin=subprocess.DEVNULL, stdout=output,
                    stderr=subprocess.STDOUT)
                self.peers.append(process)
            try:
                wait_until(lambda pid=process.pid: listening_ports(pid), 15,
                           f"listing {listing_id} listens", interval=0.05,
                           give_up=lambda p=process: p.poll() is not None)
            except Timeout:
                stop_process(process)
                last = (log.read_text(errors="replace").strip().splitlines() or ["?"])[-1]
                raise ServiceError(f"listing {listing_id} did not start: {last}") from None
            self.announce(f"[util] started listing {listing_id} ({peer.caption}); "
                          f"its output goes to {log}")

    def remind(self) -> None:
        """After the listing (whose screen may have wiped util's first lines): where the output
        of the listings it talked to is."""
        named = {arg for need in self.needs if need.kind == "peer" for arg in need.args}
        for listing_id, log in self.peer_logs.items():
            if listing_id in named:
                self.announce(f"[util] the output of listing {listing_id} is in {log}")

    def _microservices(self, _args: tuple[str, ...]) -> None:
        """The chapter-10 services the backend-for-frontend (10.8) calls: the product (10.7),
        inventory (10.1), favorites (10.5) and cart (10.6) services, their databases created
        and filled first."""
        self._postgres(("products", "favorites", "cart"))
        self._peers(CHAPTER_10_SERVICES)

    def listing_succeeded(self) -> None:
        """Record that the listing, if it fills a database (5.3), has now done so."""
        if not self.databases:
            return
        import asyncio

        from util.tools.book_databases import BOOK_DATABASES, record_loader_run

        for name, database in self.databases.items():
            book = BOOK_DATABASES.get(name)
            if book and self.module in book.loaders:
                asyncio.run(record_loader_run(self.server, database, self.module))


def _stdin_is_a_terminal() -> bool:
    try:
        return os.isatty(sys.stdin.fileno())
    except (AttributeError, OSError, ValueError):
        return False


def display_missing() -> str | None:
    """Why Tk could not open a window here (None if it can): on X11 systems DISPLAY must name
    an X server that answers; macOS and Windows have their own display."""
    if sys.platform in ("darwin", "win32"):
        return None
    display = os.environ.get("DISPLAY", "")
    if not display:
        return "DISPLAY is not set"
    import shutil

    if shutil.which("xdpyinfo"):
        try:
            answered = subprocess.run(["xdpyinfo"], stdin=subprocess.DEVNULL,
                                      capture_output=True, timeout=5).returncode == 0
        except subprocess.TimeoutExpired:
            answered = False
    else:
        answered = _x_server_answers(display)
    return None if answered else f"the X server of DISPLAY={display} does not answer"


def _x_server_answers(display: str) -> bool:
    """Connect to the X server's socket ("[host]:N[.screen]": a local socket, or TCP 6000+N)."""
    host, _, rest = display.rpartition(":")
    number = rest.split(".")[0]
    if not number.isdigit():
        return False
    if host and host != "unix":
        return port_open(host, 6000 + int(number))
    for address in (f"/tmp/.X11-unix/X{number}", f"\0/tmp/.X11-unix/X{number}"):
        with socket.socket(socket.AF_UNIX) as probe:
            probe.settimeout(2)
            try:
                probe.connect(address)
                return True
            except OSError:
                continue
    return False
