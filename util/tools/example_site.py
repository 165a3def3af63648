"""The www.example.com stand-in from the outside: start it, ask it, stop it.

The server is util.tools.example_site_server; `util run`, `util services` and the tests' fixtures
all start it through `ExampleSite.start`.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from util import settings
from util.tools.errors import ReaderError
from util.tools.processes import port_open, stop_process, wait_for_start

DEFAULT_LATENCY = 0.1  # seconds before each answer, like a real site
SERVER_MODULE = "util.tools.example_site_server"


class ExampleSiteError(ReaderError):
    """The stand-in could not be started."""


@dataclass
class ExampleSite:
    host: str
    port: int
    process: subprocess.Popen | None = None  # None: running, but not started here
    latency: float | None = None  # seconds before each answer, when started here

    @classmethod
    def configured(cls) -> ExampleSite:
        """The stand-in util.settings points at (EXAMPLE_HOST, EXAMPLE_PORT)."""
        return cls(settings.EXAMPLE_HOST, settings.EXAMPLE_PORT)

    @staticmethod
    def is_local() -> bool:
        """False when EXAMPLE_URL points elsewhere (the real www.example.com, say)."""
        return settings.EXAMPLE_URL == f"http://{settings.EXAMPLE_HOST}:{settings.EXAMPLE_PORT}"

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def env(self) -> dict[str, str]:
        """The variables that point the listings' settings here."""
        return {"EXAMPLE_URL": self.url, "EXAMPLE_HOST": self.host,
                "EXAMPLE_PORT": str(self.port)}

    def stats(self) -> dict[str, int]:
        """{"started": n, "completed": n, "cancelled": n}: the requests it has seen."""
        with urllib.request.urlopen(f"{self.url}/__stats", timeout=5) as response:
            return json.load(response)

    def reset(self) -> None:
        request = urllib.request.Request(f"{self.url}/__reset", method="POST")
        urllib.request.urlopen(request, timeout=5).close()

    def answers(self) -> bool:
        """True if the stand-in (not some other program) answers on its port."""
        if not port_open(self.host, self.port):
            return False
        try:
            return "started" in self.stats()
        except (OSError, ValueError):
            return False

    @classmethod
    def start(cls, host: str, port: int, latency: float = DEFAULT_LATENCY,
              log: Path | None = None) -> ExampleSite:
        """Start the server and wait until it answers. With `log`, it runs detached (it outlives
        this process) and writes its output there."""
        if port_open(host, port):
            raise ExampleSiteError(f"port {port} is in use by another program: set EXAMPLE_PORT "
                                   f"to a free port for the example.com stand-in")
        if log is not None:
            log.parent.mkdir(parents=True, exist_ok=True)
        with open(log or os.devnull, "wb") as output:
            process = subprocess.Popen(
                [sys.executable, "-m", SERVER_MODULE, "--host", host, "--port", str(port),
                 "--latency", str(latency)],
                cwd=settings.REPO, stdin=subprocess.DEVNULL, stdout=output,
                stderr=output if log else subprocess.PIPE, start_new_session=log is not None)
        site = cls(host, port, process, latency)
        failure = wait_for_start(process, site.answers, "example.com stand-in", log,
                                 interval=0.05)
        if failure:
            raise ExampleSiteError(failure)
        return site

    def stop(self) -> None:
        """Stop the server if this object started it."""
        if self.process is not None:
            stop_process(self.process)
            if self.process.stderr is not None:
                self.process.stderr.close()
