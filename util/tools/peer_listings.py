"""The listings a listing talks to (`Needs: peer (N.M)`, chapter 10's services for 10.8): each
started in the background with its output in the data folder, waited for until it listens (or
found already running), and stopped after."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from util import settings
from util.tools import stop_signals
from util.tools.errors import ServiceError
from util.tools.listing_index import find
from util.tools.processes import (
    Timeout,
    listening_ports,
    module_listening,
    stop_process,
    wait_until,
)


class PeerListings:
    def __init__(self, announce=print):
        self.announce = announce
        self.processes: list[subprocess.Popen] = []  # the peers started, to be stopped
        self.logs: dict[str, Path] = {}  # listing id -> where its output goes

    def start(self, listing_ids: tuple[str, ...], env: dict[str, str]) -> None:
        """Start each listing (with `env` over this one's environment) and wait until it
        listens; a listing already listening on its port is used as it is."""
        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
        for listing_id in listing_ids:
            stop_signals.check()
            peer = find(listing_id)
            log = settings.DATA_DIR / f"{peer.path.stem}.log"
            self.logs[listing_id] = log
            if peer.listens and (pid := module_listening(peer.module, peer.port())):
                self.announce(f"[util] listing {listing_id} ({peer.caption}) already runs on "
                              f"port {peer.port()} (pid {pid}): using it")
                continue
            # a stop signal while it starts waits until it is known (in processes), to be stopped
            with stop_signals.deferred(), open(log, "wb") as output:  # a running peer's log is kept
                process = subprocess.Popen(
                    [sys.executable, "-u", "-m", peer.module], cwd=settings.REPO,
                    env=os.environ | env, stdin=subprocess.DEVNULL, stdout=output,
                    stderr=subprocess.STDOUT)
                self.processes.append(process)
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

    def stop(self) -> None:
        while self.processes:
            stop_process(self.processes.pop())
