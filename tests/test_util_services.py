"""The project's own services: the www.example.com stand-in and Postgres provisioning."""
import asyncio
import json
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import aiohttp
import pytest

from tests.support import REPO, Listing, free_port, listing_env, run_listing
from util.postgres import (
    LOADERS,
    EmbeddedPostgres,
    Postgres,
    PostgresError,
    ensure_database,
    port_open,
    record_loader_run,
)


def get(url: str) -> tuple[int, str, dict]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), dict(error.headers)


def test_stand_in_serves_example_domain_after_its_latency(example_site):
    start = time.monotonic()
    status, body, headers = get(example_site.url + "/any/path")
    elapsed = time.monotonic() - start
    assert status == 200
    assert "<h1>Example Domain</h1>" in body
    assert headers["X-Stub"] == "yes"
    assert 0.45 <= elapsed < 1.5


def test_stand_in_latency_and_status_per_request(example_site):
    start = time.monotonic()
    status, _, _ = get(example_site.url + "/?delay=0.05&status=503")
    assert status == 503
    assert time.monotonic() - start < 0.4
    assert get(example_site.url + "/?delay=soon")[0] == 400
    assert get(example_site.url + "/?status=42")[0] == 400


def test_stand_in_serves_pages_with_absolute_links_for_a_crawler(example_site):
    _, body, _ = get(example_site.url + "/?delay=0&links=2&relative=1")
    assert re.findall(r'href="([^"]+)"', body) == [
        f"{example_site.url}/1?links=2", f"{example_site.url}/2?links=2", "/rel"]
    _, body, _ = get(example_site.url + "/1?delay=0&links=2")
    assert re.findall(r'href="([^"]+)"', body) == [
        f"{example_site.url}/1/1?links=2", f"{example_site.url}/1/2?links=2"]
    _, plain, _ = get(example_site.url + "/?delay=0")
    assert "href" not in plain


def test_stand_in_counts_started_completed_and_cancelled(example_site):
    example_site.reset()
    get(example_site.url + "/?delay=0")
    with socket.create_connection(("127.0.0.1", example_site.port)) as client:
        client.sendall(b"GET /?delay=5 HTTP/1.1\r\nHost: x\r\n\r\n")
        time.sleep(0.3)
    deadline = time.monotonic() + 5
    while example_site.stats()["cancelled"] < 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert example_site.stats() == {"started": 2, "completed": 1, "cancelled": 1}


def test_stand_in_answers_connection_close_and_closes(example_site):
    with socket.create_connection(("127.0.0.1", example_site.port)) as client:
        client.sendall(b"GET /?delay=0 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        received = b""
        while chunk := client.recv(4096):
            received += chunk
    head = received.split(b"\r\n\r\n")[0].decode()
    assert head.startswith("HTTP/1.1 200 OK")
    assert "Connection: close" in head


def test_stand_in_holds_a_thousand_concurrent_connections(example_site):
    async def fetch_all():
        connector = aiohttp.TCPConnector(limit=1000)
        async with aiohttp.ClientSession(connector=connector) as session:
            async def one():
                async with session.get(example_site.url + "/?delay=1") as response:
                    return response.status
            return await asyncio.gather(*(one() for _ in range(1000)))

    example_site.reset()
    start = time.monotonic()
    statuses = asyncio.run(fetch_all())
    elapsed = time.monotonic() - start
    assert statuses == [200] * 1000
    assert example_site.stats()["completed"] == 1000
    assert elapsed < 8, "1,000 one-second requests must overlap"


def test_stand_in_reports_a_port_in_use_in_one_line():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = Listing("util.example_site", "--port", str(port)).wait(10)
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        f"example_site: cannot listen on 127.0.0.1:{port}: Address already in use"]


def test_stand_in_stops_cleanly_on_sigterm(example_site_factory):
    site = example_site_factory(latency=0)
    result = site.process.stop(15)
    assert result.returncode == 0
    assert result.stderr == ""


def test_postgres_fixture_hands_out_throwaway_databases(postgres, make_database):
    database = make_database("products")
    assert database.env["PRODUCTS_DB"] == database.name
    assert database.fetch("SELECT current_database() AS name")[0]["name"] == database.name
    assert asyncio.run(postgres.database_exists(database.name))


def test_embedded_postgres_uses_the_book_credentials_and_restarts_on_its_data():
    folder = Path(tempfile.mkdtemp(prefix="asyncio-book-pg-"))
    server = EmbeddedPostgres(port=free_port(), data_dir=folder / "data", fast=True)
    try:
        start = time.monotonic()
        server.start()
        assert time.monotonic() - start < 10
        assert asyncio.run(server.server_version()).startswith("18")
        assert asyncio.run(server.create_database("products")) is True
        server.stop()
        assert not server.listening()
        server.start()
        assert asyncio.run(server.create_database("products")) is False, "data kept"
        wrong = Postgres(host=server.host, port=server.port, password="not-it")
        with pytest.raises(PostgresError, match="rejected user 'postgres'"):
            asyncio.run(wrong.server_version())
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)
    assert not server.listening()


def test_postgres_with_nothing_listening_is_a_clear_error():
    closed = Postgres(port=free_port())
    with pytest.raises(PostgresError, match=r"cannot connect to Postgres at 127\.0\.0\.1:\d+"):
        asyncio.run(closed.server_version())


def test_embedded_postgres_refuses_a_port_in_use(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        server = EmbeddedPostgres(port=taken.getsockname()[1], data_dir=tmp_path / "pg")
        with pytest.raises(PostgresError, match="already in use"):
            server.start()


def test_stats_are_json(example_site):
    status, body, _ = get(example_site.url + "/__stats")
    assert status == 200
    assert set(json.loads(body)) == {"started", "completed", "cancelled"}


def test_a_failing_loader_drops_the_database_it_created(postgres, monkeypatch):
    monkeypatch.setitem(LOADERS, "demo", ["util.no_such_loader"])
    name = f"test_demo_{uuid.uuid4().hex[:8]}"
    with pytest.raises(PostgresError, match=rf"loading database '{name}' failed in "
                                            r"util.no_such_loader: .*No module named"):
        asyncio.run(ensure_database(postgres, name, loader_key="demo"))
    assert not asyncio.run(postgres.database_exists(name))


def test_a_readers_own_database_is_never_filled_or_dropped(postgres, monkeypatch):
    monkeypatch.setitem(LOADERS, "demo", ["util.no_such_loader"])
    name = f"test_demo_{uuid.uuid4().hex[:8]}"
    asyncio.run(postgres.create_database(name))  # made by the reader: no util comment
    try:
        assert asyncio.run(ensure_database(postgres, name, loader_key="demo")) == []
        assert asyncio.run(postgres.database_exists(name))
    finally:
        asyncio.run(postgres.drop_database(name))


def test_loaders_stop_before_the_listing_being_run_and_resume_later(postgres, make_database):
    database = make_database("products")  # created bare; the CLI's path starts from nothing
    asyncio.run(postgres.drop_database(database.name))
    ran = asyncio.run(ensure_database(postgres, database.name, loader_key="products",
                                      before="chapter_05.listing_5_5"))
    assert ran == ["chapter_05.listing_5_3"]
    assert database.fetch("SELECT count(*) AS n FROM brand")[0]["n"] == 0
    assert run_listing("5.5", env=database.env).returncode == 0  # the reader runs 5.5
    asyncio.run(record_loader_run(postgres, database.name, "chapter_05.listing_5_5"))
    ran = asyncio.run(ensure_database(postgres, database.name, loader_key="products"))
    assert ran == ["chapter_05.listing_5_6"], "5.5 was recorded as run by the reader"
    assert database.fetch("SELECT count(*) AS n FROM brand")[0]["n"] == 100
    assert database.fetch("SELECT count(*) AS n FROM sku")[0]["n"] == 100_000


PEER_PROBE = """
import socket, sys
from util import settings
from util.listings import Need
from util.services import Services

with Services((Need("peer", ("3.8",)),), announce=print):
    with socket.create_connection((settings.SERVER_HOST, settings.SERVER_PORT)) as client:
        client.sendall(b"ping\\r\\n")
        print(client.recv(1024))
"""


def test_a_peer_listing_is_started_until_it_listens_and_stopped_after(tmp_path):
    port = free_port()
    env = listing_env({"SERVER_PORT": str(port), "ASYNCIO_DATA_DIR": str(tmp_path)})
    result = subprocess.run([sys.executable, "-c", PEER_PROBE], cwd=REPO, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "[util] started listing 3.8 (Building an asyncio echo server); its output goes to "
        f"{tmp_path}/listing_3_8.log", "b'ping\\r\\n'"]
    assert not port_open("127.0.0.1", port)
    assert "Got a connection from" in (tmp_path / "listing_3_8.log").read_text()
