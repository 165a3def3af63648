"""Every numbered listing is listed by `python -m util list` and runs with `python -m util run`,
the ones that are not Python too: the page 9.10, the Django project's 9.11-9.15, the SQL of
10.2 and 10.3 (each has a small module that shows it)."""
from __future__ import annotations

import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest

from tests.support import free_port, http_get, listing_env, ok
from util.settings import REPO
from util.tools.processes import port_open, wait_until

README_ROW = re.compile(r"^\|\s*\[(?P<id>\d+\.\d+\w*)\]\((?P<target>[^)]+)\)", re.MULTILINE)


def readme_ids() -> list[str]:
    return [match["id"] for readme in sorted(REPO.glob("chapter_[0-9][0-9]/README.md"))
            for match in README_ROW.finditer(readme.read_text(encoding="utf-8"))]


@pytest.fixture
def util_env():
    """Fresh ports and data folder (not under tmp_path: the embedded Postgres runs as another
    user), so util starts its own services and meets nobody else's."""
    data = Path(tempfile.mkdtemp(prefix="asyncio-book-every-"))
    yield {"SERVER_PORT": str(free_port()), "WEB_PORT": str(free_port()),
           "EXAMPLE_PORT": str(free_port()), "PGPORT": str(free_port()),
           "ASYNCIO_DATA_DIR": str(data)}
    shutil.rmtree(data, ignore_errors=True)


class Util:
    """`python -m util ARGS` in the background, its stdout read line by line."""

    def __init__(self, *args: str, env: dict[str, str]):
        self.process = subprocess.Popen(
            [sys.executable, "-u", "-m", "util", *args], cwd=REPO, env=listing_env(env),
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            start_new_session=True)
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.stdout: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.stdout.append(line)
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def wait_for_line(self, pattern: str, timeout: float = 60) -> re.Match:
        while True:
            try:
                line = self.lines.get(timeout=timeout)
            except queue.Empty:
                raise AssertionError(f"no line matching {pattern!r}: "
                                     f"{''.join(self.stdout)}") from None
            if line is None:
                raise AssertionError(f"output ended: {''.join(self.stdout)}"
                                     f"{self.process.stderr.read()}")
            if match := re.search(pattern, line):
                return match

    def stop(self) -> int:
        """Ctrl-C, as a reader stops a server; the exit status."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                return self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
                raise AssertionError("util run did not stop at Ctrl-C") from None
        return self.process.returncode


def test_util_list_shows_every_listing_the_readmes_list():
    result = subprocess.run([sys.executable, "-m", "util", "list"], cwd=REPO, env=listing_env(),
                            capture_output=True, text=True, timeout=60)
    ok(result)
    listed = [line.split()[0] for line in result.stdout.splitlines()]
    wanted = readme_ids()
    assert [i for i in wanted if i not in listed] == []
    numbered = {i for i in listed if re.fullmatch(r"\d+\.\d+", i)}
    for missing_before in ("9.10", "9.11", "9.12", "9.13", "9.14", "9.15", "10.2", "10.3"):
        assert missing_before in numbered
    assert len(numbered) == 202, "every numbered listing of the book"


def test_every_readme_row_links_the_module_and_names_the_listing_file():
    """9.10's page, 9.11-9.15's Django files and 10.2/10.3's SQL stay linked from their rows."""
    for chapter, number, file in [(9, "9.10", "listing_9_10.html"),
                                  (9, "9.11", "async_views/async_api/views.py"),
                                  (9, "9.12", "async_views/async_api/templates/async_api/"
                                              "requests.html"),
                                  (9, "9.13", "async_views/async_api/urls.py"),
                                  (10, "10.2", "listing_10_2.sql"),
                                  (10, "10.3", "listing_10_3.sql")]:
        readme = (REPO / f"chapter_{chapter:02d}" / "README.md").read_text(encoding="utf-8")
        row = next(line for line in readme.splitlines() if line.startswith(f"| [{number}]("))
        assert row.startswith(f"| [{number}](listing_{number.replace('.', '_')}.py)")
        assert f"]({file})" in row, row


def test_util_run_9_10_serves_the_page_with_9_9_and_stops(util_env):
    run = Util("run", "9.10", env=util_env)
    try:
        url = run.wait_for_line(r"(http://[\d.]+:\d+/)")[1]
        assert url.endswith(f":{util_env['WEB_PORT']}/")
        assert port_open("127.0.0.1", int(util_env["SERVER_PORT"])), "9.9 runs beside it"
        response = http_get(url, timeout=30)
        status, page = response.status, response.text
        assert status == 200
        assert "<title>Starlette Web Sockets</title>" in page
        assert f"ws://localhost:{util_env['SERVER_PORT']}/counter" in page
    finally:
        returncode = run.stop()
    assert returncode in (0, 130)
    wait_until(lambda: not port_open("127.0.0.1", int(util_env["SERVER_PORT"])), 10,
               "9.9 stopped with it")


def test_util_run_9_11_serves_the_django_project_and_prints_its_urls(util_env):
    run = Util("run", "9.11", env=util_env)
    try:
        run.wait_for_line(r"Serving it with uvicorn on http://127\.0\.0\.1:"
                          + util_env["SERVER_PORT"])
        url = run.wait_for_line(r"^\s+(http://\S+/requests/\S*)")[1]
        assert f"url=http://127.0.0.1:{util_env['EXAMPLE_PORT']}" in url
        wait_until(lambda: port_open("127.0.0.1", int(util_env["SERVER_PORT"])), 60,
                   "uvicorn listens", give_up=lambda: run.process.poll() is not None)
        response = http_get(url, timeout=30)
        status, page = response.status, response.text
        assert status == 200
        assert page.count("<tr>") >= 10, page  # a row per request (and a header row)
    finally:
        returncode = run.stop()
    assert returncode in (0, 130)


def test_util_run_10_2_shows_the_six_rows_of_the_cart_table(util_env):
    result = subprocess.run([sys.executable, "-m", "util", "run", "10.2"], cwd=REPO,
                            env=listing_env(util_env), capture_output=True, text=True,
                            timeout=240)
    ok(result)
    rows = [tuple(int(cell) for cell in line.split("|"))
            for line in result.stdout.splitlines() if re.fullmatch(r"\s*\d+\s*\|\s*\d+\s*", line)]
    assert rows == [(1, 1), (1, 2), (1, 3), (2, 1), (2, 2), (2, 5)]
    assert "(6 rows)" in result.stdout
