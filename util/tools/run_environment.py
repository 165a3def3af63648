"""What one listing run needs, started before it and stopped after it.

A listing's `Needs:` line (util.tools.listing_index) names what it needs; `RunEnvironment` starts
each, in order, and stops exactly what it started. An unknown need is an error, so a typo in a
docstring cannot go unnoticed. What the reader brings (a free port, a terminal, a display) is
checked first (util.tools.reader_checks); the listings it talks to are util.tools.peer_listings.
"""
from __future__ import annotations

import subprocess
import sys

from util import settings
from util.tools import reader_checks, stop_signals
from util.tools.errors import ServiceError
from util.tools.listing_index import ListingInfo, Need
from util.tools.peer_listings import PeerListings

CHAPTER_10_SERVICES = ("10.7", "10.1", "10.5", "10.6")  # what the need `microservices` starts


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
        self.peers = PeerListings(announce)  # the listings it talks to
        self.databases: dict[str, str] = {}  # book name -> database used
        self.latency_ms = latency_ms  # --latency: a proxy delays Postgres and the stand-in
        self.proxies = None  # the LatencyProxies this run started
        self.env: dict[str, str] = {}  # the variables for what it starts (the proxy's)
        starters = {"example-site": self._example_site, "postgres": self._postgres,
                    "data": self._data, "peer": self._peers,
                    "microservices": self._microservices}
        unknown = [str(need) for need in needs
                   if need.kind not in starters and need.kind not in reader_checks.NEEDS]
        if unknown:
            known = ", ".join(sorted([*starters, *reader_checks.NEEDS]))
            raise ServiceError(f"{module} needs {', '.join(unknown)}, which util does not know "
                               f"(known needs: {known})")
        self._starters = starters

    @classmethod
    def for_listing(cls, info: ListingInfo, announce=print,
                    latency_ms: float | None = None) -> RunEnvironment:
        return cls(info.needs, info.module, announce, info.listens, info.id, latency_ms)

    def __enter__(self) -> RunEnvironment:
        reader_checks.check(self.needs, self.listens, self.listing_id)
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
            self.peers.stop()
            if self.proxies is not None:
                self.proxies.stop()
                self.proxies = None
            if self.example_site is not None:
                self.example_site.stop()
                self.example_site = None
            if self.embedded_postgres is not None:
                self.embedded_postgres.stop()
                self.embedded_postgres = None

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

    def remind(self) -> None:
        """After the listing (whose screen may have wiped util's first lines): where the output
        of the listings it talked to is."""
        named = {arg for need in self.needs if need.kind == "peer" for arg in need.args}
        for listing_id, log in self.peers.logs.items():
            if listing_id in named:
                self.announce(f"[util] the output of listing {listing_id} is in {log}")

    def _microservices(self, _args: tuple[str, ...]) -> None:
        """The chapter-10 services the backend-for-frontend (10.8) calls: the product (10.7),
        inventory (10.1), favorites (10.5) and cart (10.6) services, their databases created
        and filled first."""
        self._postgres(("products", "favorites", "cart"))
        self._peers(CHAPTER_10_SERVICES)

    def _peers(self, listing_ids: tuple[str, ...]) -> None:
        self.peers.start(listing_ids, self.env)

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



def to_stderr(line: str) -> None:
    """util's own lines (`announce`) on stderr: stdout is the listing's."""
    print(line, file=sys.stderr)
