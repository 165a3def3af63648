"""`--latency MS`: the latency proxy (util.tools.latency_proxy) in front of Postgres and the
example.com stand-in, for `util run`, `util trace` and `util services up`.

One proxy process carries a route per service, each listening on a free port; `env` holds the
variables that send a listing through it (PGHOST and PGPORT, EXAMPLE_URL), which `util run`
passes to the listing and the listings it starts, and `services up` prints for the reader.
"""
from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from util import settings
from util.tools.errors import ReaderError
from util.tools.processes import (
    free_port,
    listening_ports,
    stop_process,
    wait_for_start,
)

MODULE = "util.tools.latency_proxy"
SERVICE_OF_NEED = {"postgres": "postgres", "microservices": "postgres",
                   "example-site": "example-site"}


def milliseconds(text: str) -> float:
    """The reader's --latency as milliseconds, or one clear line (ReaderError)."""
    from util.tools.latency_proxy import milliseconds as parse

    try:
        return parse(text)
    except ValueError as error:
        raise ReaderError(str(error)) from None


@dataclass
class Route:
    service: str  # "postgres" or "example-site"
    port: int  # where the proxy listens, on 127.0.0.1
    target: tuple[str, int]

    @property
    def env(self) -> dict[str, str]:
        if self.service == "postgres":
            return {"PGHOST": "127.0.0.1", "PGPORT": str(self.port)}
        return {"EXAMPLE_URL": f"http://127.0.0.1:{self.port}"}

    def __str__(self) -> str:
        if self.service == "postgres":
            return f"Postgres through 127.0.0.1:{self.port}"
        return f"the example.com stand-in through http://127.0.0.1:{self.port}"


def routes(services: set[str]) -> list[Route]:
    """A route on a free port to each of `services` where util.settings puts it (the stand-in
    only when it is local: a real site is already a network away)."""
    from util.tools.example_site import ExampleSite

    found = []
    if "postgres" in services:
        found.append(Route("postgres", free_port(),
                           (settings.POSTGRES_HOST, settings.POSTGRES_PORT)))
    if "example-site" in services and ExampleSite.is_local():
        found.append(Route("example-site", free_port(),
                           (settings.EXAMPLE_HOST, settings.EXAMPLE_PORT)))
    return found


@dataclass
class LatencyProxies:
    process: subprocess.Popen
    latency_ms: float
    routes: list[Route]

    @classmethod
    def start(cls, services: set[str], latency_ms: float,
              log: Path | None = None) -> LatencyProxies | None:
        """Start the proxy for `services` and wait until it listens (None if there is nothing
        to proxy). With `log`, it runs detached (it outlives this process), its output there."""
        chosen = routes(services)
        if not chosen:
            return None
        command = [sys.executable, "-m", MODULE, "--latency", f"{latency_ms:g}",
                   *(f"{r.port}={r.target[0]}:{r.target[1]}" for r in chosen)]
        if log is not None:
            log.parent.mkdir(parents=True, exist_ok=True)
        with open(log or os.devnull, "wb") as output:
            process = subprocess.Popen(command, cwd=settings.REPO, stdin=subprocess.DEVNULL,
                                       stdout=output, stderr=output if log else subprocess.PIPE,
                                       start_new_session=log is not None)
        proxies = cls(process, latency_ms, chosen)
        wanted = {r.port for r in chosen}
        failure = wait_for_start(process, lambda: wanted <= listening_ports(process.pid),
                                 "latency proxy", log)
        if failure:
            raise ReaderError(failure)
        return proxies

    @property
    def env(self) -> dict[str, str]:
        """The variables that send the listings through the proxy."""
        return {key: value for r in self.routes for key, value in r.env.items()}

    def __str__(self) -> str:
        return (f"{self.latency_ms:g} ms each way (a round trip {2 * self.latency_ms:g} ms): "
                f"{', '.join(map(str, self.routes))}")

    def stop(self) -> None:
        stop_process(self.process)
        if self.process.stderr is not None:
            self.process.stderr.close()


def for_needs(kinds: set[str], latency_ms: float, announce) -> LatencyProxies | None:
    """`util run --latency`: the proxy in front of what the listing's needs name."""
    services = {SERVICE_OF_NEED[kind] for kind in kinds if kind in SERVICE_OF_NEED}
    proxies = LatencyProxies.start(services, latency_ms)
    if proxies is None:
        announce("[util] --latency: this listing talks to neither Postgres nor the local "
                 "example.com stand-in, so nothing is delayed")
    else:
        announce(f"[util] latency proxy, {proxies}")
    return proxies
