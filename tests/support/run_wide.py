"""What the xdist workers of one test run share: a folder the controller makes (RUN_FOLDER)
and locks in it, so one worker at a time starts or fills what they all use."""
import contextlib
import fcntl
import os
from pathlib import Path

RUN_FOLDER = "ASYNCIO_BOOK_TEST_RUN"  # environment: the folder a run's workers share


def run_folder() -> Path:
    return Path(os.environ[RUN_FOLDER])


@contextlib.contextmanager
def run_lock(name: str):
    """Hold the run-wide lock `name` (one worker at a time)."""
    with open(run_folder() / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield
