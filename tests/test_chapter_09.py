"""Chapter 9: aiohttp, Flask, WSGI/ASGI and Starlette servers, driven by real clients.

Every server runs as the reader runs it (`python -m chapter_09.listing_9_N`, or the book's
gunicorn / flask / uvicorn commands) on a free port passed through util.settings' environment
variables, against a throwaway products database; tests stop it with a signal and check the exit.
The Django project (9.11-9.15) is tested in test_chapter_09_django.py.
"""
from __future__ import annotations

import asyncio
import datetime
import json
import re
import signal
import socket
import struct
import uuid
from pathlib import Path

import pytest
import requests
from bs4 import BeautifulSoup

from tests.support import REPO, Listing, Program, free_port, ok, wait_until

CHAPTER = REPO / "chapter_09"
TIMEOUT = 10  # seconds, for any one HTTP request


def serve(listing: str, port: int, env: dict[str, str] | None = None) -> Listing:
    """Start a server listing and wait until it listens."""
    return listening(Listing(listing, env=env), port)


def listening(server: Program, port: int) -> Program:
    """`server`, once it listens on `port` (else it is killed and the test fails)."""
    try:
        server.wait_for_port(port, timeout=30)
    except AssertionError:
        server.kill()
        raise AssertionError(f"the server did not listen on {port}:\n{server}") from None
    return server


def six_connections(database) -> None:
    """Wait until the app's pool has opened its six connections (min_size=6) to `database`."""
    wait_until(lambda: database.client_connections() == 6, 15,
               f"the pool's six connections (now {database.client_connections()})",
               interval=0.05)


def stopped(server: Listing, signum: int = signal.SIGINT):
    run = ok(server.stop(signum, timeout=15))
    assert "Traceback" not in run.stderr, str(run)
    return run


def brand_rows(database) -> list[dict]:
    return [dict(row) for row in database.fetch("SELECT brand_id, brand_name FROM brand")]


@pytest.fixture(scope="module")
def three_brands(make_database):
    """A small database with three brands of known names (one with the book's newline)."""
    database = make_database("products")

    async def seed():
        connection = await database.server.connect(database.name)
        try:
            await connection.execute("CREATE TABLE brand(brand_id SERIAL PRIMARY KEY, "
                                     "brand_name TEXT NOT NULL)")
            await connection.executemany("INSERT INTO brand VALUES(DEFAULT, $1)",
                                         [("are",), ("have\n",), ("Levis",)])
        finally:
            await connection.close()

    asyncio.run(seed())
    return database


THREE_BRANDS = [{"brand_id": 1, "brand_name": "are"}, {"brand_id": 2, "brand_name": "have\n"},
                {"brand_id": 3, "brand_name": "Levis"}]


# 9.1 ------------------------------------------------------------------------------------------

@pytest.mark.listing("9.1")
def test_time_endpoint_answers_the_current_month_day_and_time():
    port = free_port()
    with serve("9.1", port, {"WEB_PORT": str(port)}) as server:
        assert server.read_line() == f"======== Running on http://127.0.0.1:{port} ========"
        assert server.read_line() == "(Press CTRL+C to quit)"
        before = datetime.datetime.now()
        response = requests.get(f"http://127.0.0.1:{port}/time", timeout=TIMEOUT)
        after = datetime.datetime.now()
        assert response.status_code == 200
        assert response.headers["Content-Type"] == "application/json; charset=utf-8"
        body = response.json()
        assert set(body) == {"month", "day", "time"}
        assert (body["month"], body["day"]) in {(before.month, before.day),
                                                 (after.month, after.day)}
        assert re.fullmatch(r"\d\d:\d\d:\d\d(\.\d{6})?", body["time"]), body
        answered = datetime.datetime.combine(after.date(),
                                             datetime.time.fromisoformat(body["time"]))
        if answered > after + datetime.timedelta(hours=1):  # it was answered before midnight
            answered -= datetime.timedelta(days=1)
        assert before - datetime.timedelta(seconds=1) <= answered <= after, (before, body)

        missing = requests.get(f"http://127.0.0.1:{port}/other", timeout=TIMEOUT)
        assert (missing.status_code, missing.text) == (404, "404: Not Found")
        wrong_method = requests.post(f"http://127.0.0.1:{port}/time", timeout=TIMEOUT)
        assert wrong_method.status_code == 405
        stopped(server)


# 9.2 ------------------------------------------------------------------------------------------

@pytest.mark.listing("9.2")
def test_brands_endpoint_serves_the_seeded_brands_and_manages_its_pool(three_brands):
    port = free_port()
    with serve("9.2", port, three_brands.env | {"WEB_PORT": str(port)}) as server:
        six_connections(three_brands)
        response = requests.get(f"http://127.0.0.1:{port}/brands", timeout=TIMEOUT)
        assert response.status_code == 200
        assert response.headers["Content-Type"] == "application/json; charset=utf-8"
        assert response.json() == THREE_BRANDS
        assert '"brand_name": "have\\n"' in response.text  # the newline travels JSON-escaped
        assert three_brands.client_connections() == 6
        run = stopped(server)
    wait_until(lambda: three_brands.client_connections() == 0, 10, "the pool closed")
    assert run.lines == ["Creating database pool.",
                         f"======== Running on http://127.0.0.1:{port} ========",
                         "(Press CTRL+C to quit)",
                         "Destroying database pool."]


@pytest.mark.listing("9.2")
def test_brands_endpoint_serves_the_books_hundred_brands(products_db):
    port = free_port()
    with serve("9.2", port, products_db.env | {"WEB_PORT": str(port)}) as server:
        response = requests.get(f"http://127.0.0.1:{port}/brands", timeout=TIMEOUT)
        assert response.status_code == 200
        brands = response.json()
        assert brands == brand_rows(products_db)
        assert len(brands) == 100
        assert all(set(brand) == {"brand_id", "brand_name"} for brand in brands)
        run = stopped(server, signal.SIGTERM)  # SIGTERM also runs the cleanup hook
    assert run.lines[-1] == "Destroying database pool."


# 9.3 ------------------------------------------------------------------------------------------

@pytest.mark.listing("9.3")
def test_product_endpoint_maps_ids_to_rows_400_and_404(products_db):
    port = free_port()
    url = f"http://127.0.0.1:{port}/products"
    with serve("9.3", port, products_db.env | {"WEB_PORT": str(port)}) as server:
        six_connections(products_db)
        for product_id in (1, 500, 1000):
            response = requests.get(f"{url}/{product_id}", timeout=TIMEOUT)
            assert response.status_code == 200
            [row] = products_db.fetch("SELECT product_id, product_name, brand_id FROM product "
                                      "WHERE product_id = $1", product_id)
            assert response.json() == dict(row)

        not_a_number = requests.get(f"{url}/abc", timeout=TIMEOUT)
        assert (not_a_number.status_code, not_a_number.text) == (400, "400: Bad Request")
        absent = requests.get(f"{url}/99999", timeout=TIMEOUT)
        assert (absent.status_code, absent.text) == (404, "404: Not Found")
        # kept from the book: an id beyond Postgres's integer range is a server error
        too_big = requests.get(f"{url}/99999999999", timeout=TIMEOUT)
        assert too_big.status_code == 500
        run = server.stop(signal.SIGINT, timeout=15)
    ok(run)
    assert "Error handling request" in run.stderr
    assert run.lines[0] == "Creating database pool."
    assert run.lines[-1] == "Destroying database pool."


# 9.4 ------------------------------------------------------------------------------------------

@pytest.mark.listing("9.4")
def test_create_product_inserts_good_rows_and_answers_400_to_bad_input(products_db):
    port = free_port()
    url = f"http://127.0.0.1:{port}/product"
    tag = uuid.uuid4().hex[:8]
    brand_id = products_db.fetch("SELECT min(brand_id) FROM brand")[0][0]
    with serve("9.4", port, products_db.env | {"WEB_PORT": str(port)}) as server:
        def post(**kwargs):
            return requests.post(url, timeout=TIMEOUT, **kwargs)

        created = post(json={"product_name": f"widget {tag}", "brand_id": brand_id})
        assert (created.status_code, created.content) == (201, b"")
        as_string = post(json={"product_name": f"gadget {tag}", "brand_id": str(brand_id)})
        assert (as_string.status_code, as_string.content) == (201, b"")

        bad_requests = {
            "missing brand_id": post(json={"product_name": f"no brand {tag}"}),
            "missing product_name": post(json={"brand_id": brand_id}),
            "no body": post(),
            "malformed JSON": post(data=b'{"product_name": "broken',
                                   headers={"Content-Type": "application/json"}),
            "not UTF-8": post(data=b'{"product_name": "\xff"}'),
            "a JSON list": post(json=[f"list {tag}", brand_id]),
            "a JSON number": post(json=5),
            "brand_id not a number": post(json={"product_name": f"abc {tag}",
                                                "brand_id": "abc"}),
            "brand_id null": post(json={"product_name": f"null {tag}", "brand_id": None}),
            "brand_id out of range": post(json={"product_name": f"big {tag}",
                                                "brand_id": 2**40}),
            "no such brand": post(json={"product_name": f"orphan {tag}",
                                        "brand_id": 999_999}),
            "name not a string": post(json={"product_name": 12, "brand_id": brand_id}),
        }
        for case, response in bad_requests.items():
            assert (case, response.status_code, response.text) == (
                case, 400, "400: Bad Request")

        # this server is 9.4's own: importing 9.2 no longer starts the /brands server first
        brands = requests.get(f"http://127.0.0.1:{port}/brands", timeout=TIMEOUT)
        assert brands.status_code == 404
        run = stopped(server)
    assert run.lines == ["Creating database pool.",
                         f"======== Running on http://127.0.0.1:{port} ========",
                         "(Press CTRL+C to quit)",
                         "Destroying database pool."]
    assert "Error handling request" not in run.stderr

    rows = products_db.fetch("SELECT product_name, brand_id FROM product "
                             "WHERE product_name LIKE '%' || $1", tag)
    assert sorted(map(tuple, rows)) == [(f"gadget {tag}", brand_id), (f"widget {tag}", brand_id)]
    products_db.fetch("DELETE FROM product WHERE product_name LIKE '%' || $1", tag)


# 9.5 ------------------------------------------------------------------------------------------

@pytest.mark.listing("9.5")
def test_flask_brands_match_the_aiohttp_brands(products_db, monkeypatch):
    from psycopg2.extensions import make_dsn

    from chapter_09 import listing_9_5

    assert listing_9_5.db is None  # importing the module opened no connection
    env = products_db.env
    monkeypatch.setattr(listing_9_5, "conn_info", make_dsn(
        dbname=products_db.name, user=env["PGUSER"], password=env["PGPASSWORD"],
        host=env["PGHOST"], port=env["PGPORT"]))
    try:
        response = listing_9_5.app.test_client().get("/brands")
        assert response.status_code == 200
        assert response.get_json() == brand_rows(products_db)
    finally:
        if listing_9_5.db is not None:
            listing_9_5.db.close()
        monkeypatch.setattr(listing_9_5, "db", None)


def idle_in_transaction(database) -> int:
    return database.fetch("SELECT count(*) FROM pg_stat_activity WHERE datname = $1 "
                          "AND state = 'idle in transaction'", database.name)[0][0]


@pytest.mark.listing("9.5")
@pytest.mark.parametrize("server", ["python -m", "flask run", "gunicorn"])
def test_flask_app_served_like_the_book_answers_as_listing_9_2_does(products_db, server,
                                                                    tmp_path):
    port = free_port()
    # a home of its own: the book's gunicorn command (25.1+) makes ~/.gunicorn/ for a socket
    env = products_db.env | {"FLASK_PORT": str(port), "WEB_PORT": str(port),
                             "HOME": str(tmp_path)}
    if server == "python -m":
        program = Listing("9.5", env=env)
    elif server == "flask run":
        program = Program("flask", "--app", "chapter_09.listing_9_5", "run", "--port", str(port),
                          env=env)
    else:
        program = Program("gunicorn", "-w", "2", "--bind", f"127.0.0.1:{port}",
                          "chapter_09.listing_9_5:app", env=env)
    with listening(program, port) as flask_server:
        response = requests.get(f"http://127.0.0.1:{port}/brands", timeout=TIMEOUT)
        assert response.status_code == 200
        assert response.headers["Content-Type"] == "application/json"
        flask_brands = response.json()
        # the book's detail: the connection never commits, Postgres shows it idle in a transaction
        assert idle_in_transaction(products_db) == 1
        run = flask_server.stop(signal.SIGINT if server != "gunicorn" else signal.SIGTERM,
                                timeout=15)
    ok(run)
    assert "Traceback" not in run.stderr, str(run)
    if server == "gunicorn":
        assert "Using worker: sync" in run.stderr
    else:
        assert f"Running on http://127.0.0.1:{port}" in run.stderr

    aiohttp_port = free_port()
    with serve("9.2", aiohttp_port, products_db.env | {"WEB_PORT": str(aiohttp_port)}) as other:
        aiohttp_brands = requests.get(f"http://127.0.0.1:{aiohttp_port}/brands",
                                      timeout=TIMEOUT).json()
        stopped(other)
    assert flask_brands == aiohttp_brands == brand_rows(products_db)


# 9.6 and 9.7 ----------------------------------------------------------------------------------

@pytest.mark.listing("9.6")
def test_wsgi_application_called_directly():
    from chapter_09.listing_9_6 import application

    calls = []
    body = application({"REQUEST_METHOD": "GET", "PATH_INFO": "/"},
                       lambda status, headers: calls.append((status, headers)))
    assert calls == [("200 OK", [("Content-Type", "text/html")])]
    assert b"".join(body) == b"WSGI hello!"


@pytest.mark.listing("9.6")
def test_wsgi_application_under_gunicorn_answers_every_path(tmp_path, monkeypatch):
    """... and leaves the reader's home untouched (gunicorn 25.1+ made ~/.gunicorn/ for a
    control socket)."""
    port = free_port()
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    with serve("9.6", port, {"SERVER_PORT": str(port), "HOME": str(home)}) as server:
        for method, path in [("GET", "/"), ("GET", "/any/path?x=1"), ("POST", "/form")]:
            response = requests.request(method, f"http://127.0.0.1:{port}{path}",
                                        timeout=TIMEOUT)
            assert response.status_code == 200
            assert response.headers["Content-Type"] == "text/html"
            assert response.text == "WSGI hello!"
        run = stopped(server, signal.SIGTERM)
    assert f"Listening at: http://127.0.0.1:{port}" in run.stderr
    assert "Using worker: sync" in run.stderr
    assert "Control socket" not in run.stderr
    assert list(home.iterdir()) == [], "gunicorn wrote into HOME"


@pytest.mark.listing("9.7")
def test_asgi_application_called_directly():
    from chapter_09.listing_9_7 import application

    sent = []

    async def receive():
        raise AssertionError("the application never reads the request")

    async def send(message):
        sent.append(message)

    asyncio.run(application({"type": "http", "method": "GET", "path": "/"}, receive, send))
    assert sent == [
        {"type": "http.response.start", "status": 200,
         "headers": [[b"content-type", b"text/html"]]},
        {"type": "http.response.body", "body": b"ASGI hello!"},
    ]


@pytest.mark.listing("9.7")
def test_asgi_application_under_uvicorn_answers_and_skips_lifespan():
    port = free_port()
    with serve("9.7", port, {"SERVER_PORT": str(port)}) as server:
        for path in ("/", "/some/where"):
            response = requests.get(f"http://127.0.0.1:{port}{path}", timeout=TIMEOUT)
            assert response.status_code == 200
            assert response.headers["content-type"] == "text/html"
            assert response.text == "ASGI hello!"
        run = stopped(server)
    log = run.stderr
    assert "ASGI 'lifespan' protocol appears unsupported." in log
    assert log.index("Waiting for application startup.") < log.index(
        "ASGI 'lifespan' protocol appears unsupported.") < log.index(
        f"Uvicorn running on http://127.0.0.1:{port}")


# 9.8 ------------------------------------------------------------------------------------------

ON_STARTUP_ERROR = "TypeError: Starlette.__init__() got an unexpected keyword argument 'on_startup'"


@pytest.mark.listing("9.8")
@pytest.mark.parametrize("how", ["python -m", "uvicorn"])
def test_books_starlette_app_fails_on_starlette_1(products_db, how):
    port = free_port()
    env = products_db.env | {"SERVER_PORT": str(port)}
    program = (Listing("9.8", env=env) if how == "python -m" else
               Program("uvicorn", "chapter_09.listing_9_8:app", "--port", str(port), env=env))
    with program as app:
        run = app.wait(timeout=30)
    assert run.returncode == 1, str(run)
    assert run.stderr.rstrip().splitlines()[-1] == ON_STARTUP_ERROR, str(run)
    assert "Uvicorn running" not in run.stderr


@pytest.mark.listing("9.8")
def test_books_starlette_module_imports_but_its_app_cannot_be_built():
    from chapter_09 import listing_9_8

    assert callable(listing_9_8.brands)
    with pytest.raises(TypeError, match="unexpected keyword argument 'on_startup'"):
        listing_9_8.app  # noqa: B018


def use_database(monkeypatch, database):
    """Point util.settings, in this process, at a throwaway database."""
    from util import settings

    env = database.env
    monkeypatch.setattr(settings, "POSTGRES_HOST", env["PGHOST"])
    monkeypatch.setattr(settings, "POSTGRES_PORT", int(env["PGPORT"]))
    monkeypatch.setattr(settings, "POSTGRES_USER", env["PGUSER"])
    monkeypatch.setattr(settings, "POSTGRES_PASSWORD", env["PGPASSWORD"])
    monkeypatch.setattr(settings, "PRODUCTS_DB", database.name)


async def asgi_get(app, path: str) -> tuple[int, dict[str, str], bytes]:
    """One GET through an ASGI application, in this process: status, headers, body."""
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": "GET", "scheme": "http", "path": path, "raw_path": path.encode(),
             "query_string": b"", "root_path": "", "headers": [(b"host", b"localhost")],
             "client": ("127.0.0.1", 50000), "server": ("localhost", 80), "state": {}}
    messages = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        messages.append(message)

    await app(scope, receive, send)
    start, *bodies = messages
    headers = {key.decode(): value.decode() for key, value in start["headers"]}
    return start["status"], headers, b"".join(body.get("body", b"") for body in bodies)


async def lifespan_of(app, during):
    """Run `during()` between the lifespan protocol's startup and shutdown, as uvicorn does."""
    inbox: asyncio.Queue = asyncio.Queue()
    outbox: asyncio.Queue = asyncio.Queue()
    running = asyncio.create_task(app({"type": "lifespan", "asgi": {"version": "3.0"},
                                       "state": {}}, inbox.get, outbox.put))
    await inbox.put({"type": "lifespan.startup"})
    assert (await outbox.get())["type"] == "lifespan.startup.complete"
    try:
        return await during()
    finally:
        await inbox.put({"type": "lifespan.shutdown"})
        assert (await outbox.get())["type"] == "lifespan.shutdown.complete"
        await running


@pytest.mark.listing("9.8")
def test_fixed_starlette_app_opens_its_pool_in_the_lifespan(three_brands, monkeypatch):
    from chapter_09.listing_9_8_fixed import app

    use_database(monkeypatch, three_brands)

    async def during():
        pool = app.state.DB
        assert not pool.is_closing()
        # the lifespan opened the pool's six connections (min_size=6) before the first request
        assert await asyncio.to_thread(three_brands.client_connections) == 6
        brands = await asgi_get(app, "/brands")
        other = await asgi_get(app, "/other")
        return pool, brands, other

    pool, (status, headers, body), (other_status, _, other_body) = asyncio.run(
        lifespan_of(app, during))
    assert (status, headers["content-type"]) == (200, "application/json")
    assert json.loads(body) == THREE_BRANDS
    assert (other_status, other_body) == (404, b"Not Found")
    assert pool.is_closing()  # closed by the code after the lifespan's yield


@pytest.mark.listing("9.8")
def test_fixed_starlette_app_under_uvicorn(products_db):
    port = free_port()
    with serve("9.8_fixed", port, products_db.env | {"SERVER_PORT": str(port)}) as server:
        six_connections(products_db)
        response = requests.get(f"http://127.0.0.1:{port}/brands", timeout=TIMEOUT)
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/json"
        assert response.json() == brand_rows(products_db)
        missing = requests.get(f"http://127.0.0.1:{port}/nothing", timeout=TIMEOUT)
        assert (missing.status_code, missing.text) == (404, "Not Found")
        run = stopped(server)
    assert "Application startup complete." in run.stderr
    assert "Application shutdown complete." in run.stderr


# 9.9 ------------------------------------------------------------------------------------------

@pytest.mark.listing("9.9")
def test_counter_under_uvicorn_with_a_websockets_client():
    from websockets.sync.client import connect

    port = free_port()
    with serve("9.9", port, {"SERVER_PORT": str(port)}) as server:
        url = f"ws://127.0.0.1:{port}/counter"
        with connect(url) as first:
            assert first.recv(timeout=TIMEOUT) == "1"
            with connect(url) as second:
                assert second.recv(timeout=TIMEOUT) == "2"
                assert first.recv(timeout=TIMEOUT) == "2"
                second.send("hello")  # ignored: it draws no message, to anyone
                with connect(url) as third:
                    assert third.recv(timeout=TIMEOUT) == "3"
                    assert second.recv(timeout=TIMEOUT) == "3"
                    assert first.recv(timeout=TIMEOUT) == "3"
                assert second.recv(timeout=TIMEOUT) == "2"
                assert first.recv(timeout=TIMEOUT) == "2"
            # the count falls when a client leaves; nothing else reached the first client
            assert first.recv(timeout=TIMEOUT) == "1"
        with connect(url) as again:  # the first client's departure was counted too
            assert again.recv(timeout=TIMEOUT) == "1"
        run = stopped(server)
    assert f"Uvicorn running on http://127.0.0.1:{port}" in run.stderr


@pytest.mark.listing("9.9")
def test_counter_forgets_a_client_that_disappears_abruptly():
    """A client whose connection is reset (no closing handshake, as when its machine or
    process dies) is counted out like one that says goodbye, and later counts are right."""
    from websockets.sync.client import connect

    port = free_port()
    with serve("9.9", port, {"SERVER_PORT": str(port)}) as server:
        url = f"ws://127.0.0.1:{port}/counter"
        with connect(url) as first:
            assert first.recv(timeout=TIMEOUT) == "1"
            for _ in range(2):  # twice: the first vanishing must not confuse the count
                with connect(url) as vanishing:
                    assert vanishing.recv(timeout=TIMEOUT) == "2"
                    assert first.recv(timeout=TIMEOUT) == "2"
                    vanishing.socket.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                                struct.pack("ii", 1, 0))
                    vanishing.socket.close()  # a TCP reset, no close frame
                    assert first.recv(timeout=TIMEOUT) == "1", "the vanished client counted out"
            with connect(url) as later:
                assert later.recv(timeout=TIMEOUT) == "2"
                assert first.recv(timeout=TIMEOUT) == "2"
            assert first.recv(timeout=TIMEOUT) == "1"
        run = stopped(server)
    assert "Traceback" not in run.stderr, run.stderr


# 9.10 -----------------------------------------------------------------------------------------

PAGE = CHAPTER / "listing_9_10.html"


@pytest.mark.listing("9.10")
def test_page_connects_to_the_counter_and_shows_users_online():
    soup = BeautifulSoup(PAGE.read_text(encoding="utf-8"), "html.parser")
    assert soup.title.string == "Starlette Web Sockets"
    assert soup.find(string=re.compile(r"Users online:"))
    counter = soup.find(id="counter")
    assert counter is not None and counter.get_text() == ""
    script = soup.find("script").string
    assert 'new WebSocket("ws://localhost:8000/counter")' in script
    assert "#counter" in script and "event.data" in script


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.mark.listing("9.10")
@pytest.mark.skipif(not CHROMIUM.exists(),
                    reason="needs Debian's Chromium: apt-get install chromium")
def test_page_in_chromium_counts_open_tabs(tmp_path):
    from playwright.sync_api import expect, sync_playwright

    port = free_port()
    page_copy = tmp_path / "listing_9_10.html"
    text = PAGE.read_text(encoding="utf-8")
    assert "ws://localhost:8000/counter" in text
    page_copy.write_text(text.replace("ws://localhost:8000/", f"ws://localhost:{port}/"),
                         encoding="utf-8")
    with serve("9.9", port, {"SERVER_PORT": str(port)}) as server, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            first = browser.new_page()
            first.goto(page_copy.as_uri())
            expect(first.locator("body")).to_contain_text("Users online:")
            expect(first.locator("#counter")).to_have_text("1", timeout=15_000)

            second = browser.new_page()
            second.goto(page_copy.as_uri())
            expect(second.locator("#counter")).to_have_text("2", timeout=15_000)
            expect(first.locator("#counter")).to_have_text("2", timeout=15_000)

            second.close()
            expect(first.locator("#counter")).to_have_text("1", timeout=15_000)
        finally:
            browser.close()
        stopped(server)

