"""Chapter 10: the microservices, the backend-for-frontend, retry and the circuit breaker.

The services run as the reader runs them (`python -m chapter_10.listing_10_N`) on free ports,
over throwaway databases of the run's Postgres filled by the book's SQL files (10.2, 10.3,
through util.tools.book_databases) and chapter 5's listings. tests.support's http_get asks them.

The backend-for-frontend (10.8) is tested twice: against stand-in services in this process,
whose delays the tests choose (the catalog's timing matrix: a slow inventory for one product, a
slow or missing product or cart service), and against the real services, made slow with SIGSTOP
and made to fail by stopping them; `python -m util run 10.8` starts it all with the book's data.
"""
from __future__ import annotations

import asyncio
import inspect
import re
import signal
import socket
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from itertools import pairwise

import asyncpg
import pytest
from aiohttp import web

from tests.support import (
    Listing,
    Program,
    assert_about,
    assert_smallest,
    free_port,
    http_get,
    ok,
    run_listing,
    run_program,
    unique_database_name,
    wait_until,
)
from util.tools.processes import port_open

BANNER = "======== Running on http://127.0.0.1:{port} ========"
PRODUCTS_504 = {"error": "Could not reach products service."}
PRODUCTS_500 = {"error": "Server error reaching products service."}
SLOW = 3.0  # seconds a slow stand-in takes: well past the BFF's 1 s waits, even under load
CART_ROWS = [(1, 1), (1, 2), (1, 3), (2, 1), (2, 2), (2, 5)]
FAVORITE_ROWS = [(1, 1), (1, 2), (1, 3), (3, 1), (3, 2), (3, 3)]


# --- helpers -------------------------------------------------------------------------------

def get(url: str) -> tuple[int, object, float]:
    """tests.support's http_get as these tests unpack it: (status, JSON or text, seconds)."""
    response = http_get(url, timeout=15)
    return response.status, response.content(), response.seconds


@contextmanager
def service(listing: str, port_variable: str, env: dict | None = None):
    """Start a chapter-10 server on a free port; yields (Listing, port); checks its banner, and
    that SIGINT stops it cleanly unless the test stopped it already."""
    port = free_port()
    with Listing(listing, env=(env or {}) | {port_variable: str(port)}) as running:
        running.wait_for_port(port)
        assert running.read_line() == BANNER.format(port=port)
        assert running.read_line() == "(Press CTRL+C to quit)"
        yield running, port
        if running.running():
            result = ok(running.stop(signal.SIGINT))
            assert "Traceback" not in result.stderr, str(result)


def run_sql_loader(database, book_name: str):
    return run_program("chapter_10.load_sql", book_name, env=database.env)


def columns(database, table: str) -> list[tuple]:
    return [tuple(row) for row in database.fetch(
        "SELECT column_name, data_type, is_nullable FROM information_schema.columns "
        "WHERE table_name = $1 ORDER BY ordinal_position", table)]


def test_the_package_defines_nothing_of_its_own():
    """(That importing it is quiet: tests/test_chapter_indexes.py, for every chapter.)"""
    import chapter_10

    assert [name for name, value in vars(chapter_10).items()
            if not name.startswith("__") and not inspect.ismodule(value)] == []


# --- databases -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def cart_db(make_database):
    """A cart database filled by util's loader (listing 10.2), as `python -m util run` does."""
    return make_database("cart", load=True)


@pytest.fixture(scope="module")
def favorites_db(make_database):
    return make_database("favorites", load=True)


SMALL_PRODUCTS = ["red hat", "blue shoe", "green sock", "black belt", "white shirt"]


@pytest.fixture(scope="module")
def small_products_db(make_database):
    """Chapter 5's schema (listing 5.3) with one brand and five products."""
    database = make_database("products")
    ok(run_listing("5.3", env=database.env))

    async def fill():
        connection = await database.server.connect(database.name)
        try:
            await connection.execute("INSERT INTO brand VALUES(DEFAULT, 'Acme')")
            await connection.executemany("INSERT INTO product VALUES(DEFAULT, $1, 1)",
                                         [(name,) for name in SMALL_PRODUCTS])
        finally:
            await connection.close()

    asyncio.run(fill())
    return database


# --- 10.1 ----------------------------------------------------------------------------------

@pytest.mark.listing("10.1")
def test_10_1_inventory_answers_a_number_after_a_random_delay_of_up_to_2_seconds():
    with service("10.1", "INVENTORY_PORT") as (_, port):
        urls = [f"http://127.0.0.1:{port}/products/{n}/inventory" for n in range(39)]
        urls.append(f"http://127.0.0.1:{port}/products/abc/inventory")  # not checked
        start = time.monotonic()
        with ThreadPoolExecutor(len(urls)) as pool:  # all 40 asked at once
            answers = list(pool.map(get, urls))
        total = time.monotonic() - start
    for status, body, _ in answers:
        assert status == 200
        assert isinstance(body, dict) and list(body) == ["inventory"]
        assert isinstance(body["inventory"], int) and 0 <= body["inventory"] <= 100
    latencies = sorted(seconds for _, _, seconds in answers)
    assert_about(latencies[-1], 2.0, early=0.8, late=0.35, what="delays of at most 2 s")
    assert_about(total, 2.0, early=0.8, late=0.45, what="40 requests answered concurrently")
    # 40 uniform delays of 0.0-2.0 s: all above 0.7 s, or all below 1.3 s, has a probability
    # under 1e-8; the answers come back concurrently, each after its own delay.
    assert_about(latencies[0], 0, late=0.8, what=latencies)
    assert latencies[-1] > 1.2, latencies


# --- 10.2, 10.3 ----------------------------------------------------------------------------

@pytest.mark.listing("10.2")
def test_10_2_creates_user_cart_with_six_rows_and_fails_a_second_time(make_database):
    database = make_database("cart")
    first = ok(run_sql_loader(database, "cart"))
    assert first.lines == [f"Ran listing_10_2.sql in database {database.name!r}"]
    rows = database.fetch("SELECT user_id, product_id FROM user_cart ORDER BY user_id, product_id")
    assert [tuple(row) for row in rows] == CART_ROWS
    assert columns(database, "user_cart") == [("user_id", "integer", "NO"),
                                              ("product_id", "integer", "NO")]
    indexes = database.fetch("SELECT count(*) FROM pg_indexes WHERE tablename = 'user_cart'")
    assert indexes[0][0] == 0, "no keys, no indexes"
    again = run_sql_loader(database, "cart")
    assert again.returncode != 0
    assert 'relation "user_cart" already exists' in again.stderr
    assert len(database.fetch("SELECT * FROM user_cart")) == 6, "nothing inserted twice"


@pytest.mark.listing("10.3")
def test_10_3_creates_user_favorite_with_six_rows_and_fails_a_second_time(make_database):
    database = make_database("favorites")
    first = ok(run_sql_loader(database, "favorites"))
    assert first.lines == [f"Ran listing_10_3.sql in database {database.name!r}"]
    rows = database.fetch(
        "SELECT user_id, product_id FROM user_favorite ORDER BY user_id, product_id")
    assert [tuple(row) for row in rows] == FAVORITE_ROWS
    assert columns(database, "user_favorite") == [("user_id", "integer", "NO"),
                                                  ("product_id", "integer", "NO")]
    again = run_sql_loader(database, "favorites")
    assert again.returncode != 0
    assert 'relation "user_favorite" already exists' in again.stderr


@pytest.mark.listing("10.2")
@pytest.mark.listing("10.3")
def test_util_fills_the_cart_and_favorites_databases_with_the_two_sql_files(cart_db,
                                                                             favorites_db):
    assert [tuple(r) for r in cart_db.fetch(
        "SELECT user_id, product_id FROM user_cart ORDER BY 1, 2")] == CART_ROWS
    assert [tuple(r) for r in favorites_db.fetch(
        "SELECT user_id, product_id FROM user_favorite ORDER BY 1, 2")] == FAVORITE_ROWS


def test_load_sql_without_a_database_name_shows_its_usage():
    result = run_program("chapter_10.load_sql")
    assert result.returncode == 1
    assert result.stderr.strip() == "usage: python -m chapter_10.load_sql {cart|favorites}"


# --- 10.4 ----------------------------------------------------------------------------------

@pytest.mark.listing("10.4")
def test_10_4_opens_a_pool_of_six_connections_in_the_app_and_closes_it(favorites_db):
    from chapter_10.listing_10_4 import DB_KEY, create_database_pool, destroy_database_pool

    server = favorites_db.server

    async def scenario():
        app = web.Application()
        # the book's string key: aiohttp 3.9+ warns (its default filter hides it from readers)
        with pytest.warns(web.NotAppKeyWarning):
            await create_database_pool(app, host=server.host, port=server.port,
                                       user=server.user, database=favorites_db.name,
                                       password=server.password)
        pool = app["database"]
        assert DB_KEY == "database"
        assert isinstance(pool, asyncpg.Pool)
        assert await pool.fetchval("SELECT 1") == 1
        assert (pool.get_min_size(), pool.get_max_size(), pool.get_size()) == (6, 6, 6)
        opened = await asyncio.to_thread(favorites_db.client_connections)
        await destroy_database_pool(app)
        assert pool.is_closing()
        return opened

    assert asyncio.run(scenario()) == 6
    wait_until(lambda: favorites_db.client_connections() == 0,
               message="the pool's connections closed")


# --- 10.5, 10.6, 10.7 ----------------------------------------------------------------------

@pytest.mark.listing("10.5")
def test_10_5_favorites_service_answers_each_users_favorites(favorites_db):
    with service("10.5", "FAVORITES_PORT", favorites_db.env) as (_, port):
        base = f"http://127.0.0.1:{port}/users"
        wait_until(lambda: favorites_db.client_connections() == 6,
                   message="the six connections of the pool the startup hook opened")
        for user, expected in (("1", [1, 2, 3]), ("3", [1, 2, 3]), ("2", [])):
            status, body, _ = get(f"{base}/{user}/favorites")
            assert status == 200
            assert sorted(body, key=lambda item: item["product_id"]) == [
                {"product_id": n} for n in expected]
        assert get(f"{base}/x/favorites")[:2] == (400, "400: Bad Request")
    wait_until(lambda: favorites_db.client_connections() == 0,
               message="the cleanup hook closed the pool")


@pytest.mark.listing("10.6")
def test_10_6_cart_service_answers_each_users_cart(cart_db):
    with service("10.6", "CART_PORT", cart_db.env) as (_, port):
        base = f"http://127.0.0.1:{port}/users"
        for user, expected in (("1", [1, 2, 3]), ("2", [1, 2, 5]), ("3", [])):
            status, body, _ = get(f"{base}/{user}/cart")
            assert status == 200
            assert sorted(body, key=lambda item: item["product_id"]) == [
                {"product_id": n} for n in expected]
        assert get(f"{base}/x/cart")[:2] == (400, "400: Bad Request")
    wait_until(lambda: cart_db.client_connections() == 0,
               message="the cleanup hook closed the pool")


@pytest.mark.listing("10.7")
def test_10_7_product_service_answers_every_product_with_id_and_name(small_products_db):
    with service("10.7", "SERVER_PORT", small_products_db.env) as (_, port):
        status, body, _ = get(f"http://127.0.0.1:{port}/products")
    assert status == 200
    assert body == [{"product_id": n, "product_name": name}
                    for n, name in enumerate(SMALL_PRODUCTS, start=1)]


@pytest.mark.listing("10.7")
def test_10_7_answers_all_thousand_products_of_the_books_database(products_db):
    """No paging: every one of the book's 1,000 products comes back in the one answer (which
    is what makes the BFF, 10.8, fan out a thousand inventory calls)."""
    rows = products_db.fetch("SELECT product_id, product_name FROM product")
    with service("10.7", "SERVER_PORT", products_db.env) as (_, port):
        status, body, _ = get(f"http://127.0.0.1:{port}/products")
    assert status == 200
    assert len(body) == len(rows) == 1000
    assert ({(product["product_id"], product["product_name"]) for product in body}
            == {(row["product_id"], row["product_name"]) for row in rows})


# --- 10.8 against stand-ins ----------------------------------------------------------------

class StandIns:
    """The four services the BFF calls, as aiohttp apps on free ports in a thread of this
    process; `delays` holds seconds per route ("products", "favorites", "cart",
    "inventory 2"), `asked` counts the paths requested."""

    def __init__(self):
        self.product_list = [{"product_id": n, "product_name": f"product {n}"} for n in (1, 2, 3)]
        self.delays: dict[str, float] = {}
        self.asked: Counter[str] = Counter()
        self.ports = {name: free_port() for name in ("products", "inventory", "favorites",
                                                     "cart")}
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.runners: list[web.AppRunner] = []

    async def _answer(self, request: web.Request, key: str, body) -> web.Response:
        self.asked[request.path] += 1
        await asyncio.sleep(self.delays.get(key, 0))
        return web.json_response(body)

    async def products(self, request):
        return await self._answer(request, "products", self.product_list)

    async def inventory(self, request):
        product_id = request.match_info["id"]
        return await self._answer(request, f"inventory {product_id}",
                                  {"inventory": int(product_id) * 10})

    async def favorites(self, request):
        return await self._answer(request, "favorites", [{"product_id": n} for n in (1, 2, 3)])

    async def cart(self, request):
        return await self._answer(request, "cart", [{"product_id": n} for n in (4, 5)])

    async def _start(self):
        routes = {"products": ("/products", self.products),
                  "inventory": ("/products/{id}/inventory", self.inventory),
                  "favorites": ("/users/{id}/favorites", self.favorites),
                  "cart": ("/users/{id}/cart", self.cart)}
        for name, (path, handler) in routes.items():
            app = web.Application()
            app.router.add_get(path, handler)
            runner = web.AppRunner(app, shutdown_timeout=0.1)
            await runner.setup()
            await web.TCPSite(runner, "127.0.0.1", self.ports[name]).start()
            self.runners.append(runner)

    async def _stop(self):
        for runner in self.runners:
            await runner.cleanup()

    def start(self) -> None:
        self.thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self.loop).result(10)

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self._stop(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()

    def env(self, **closed: bool) -> dict[str, str]:
        """The BFF's settings pointing at the stand-ins; closed=True for a service gives a
        port where nothing listens."""
        port = {name: str(free_port() if closed.get(name) else self.ports[name])
                for name in self.ports}
        return {"SERVER_PORT": port["products"], "INVENTORY_PORT": port["inventory"],
                "FAVORITES_PORT": port["favorites"], "CART_PORT": port["cart"]}


@pytest.fixture(scope="module")
def stand_ins():
    services = StandIns()
    services.start()
    yield services
    services.stop()


@pytest.fixture
def stand_in(stand_ins):
    stand_ins.delays.clear()
    stand_ins.asked.clear()
    return stand_ins


@contextmanager
def bff(env: dict[str, str]):
    """Listing 10.8 on a free port; yields a function that GETs /products/all."""
    port = free_port()
    with Listing("10.8", env=env | {"SERVICE_PORT": str(port)}) as running:
        running.wait_for_port(port)
        assert running.read_line() == BANNER.format(port=port)
        yield running, lambda: get(f"http://127.0.0.1:{port}/products/all")
        ok(running.stop(signal.SIGINT))


def measured(stand_in: StandIns, products_all, delays: dict[str, float]):
    """A first request with no delays (the BFF's first one pays for its start-up: imports,
    the first connections), then the one measured, with `delays`."""
    assert products_all()[0] == 200
    stand_in.asked.clear()
    stand_in.delays.update(delays)
    return products_all()


def inventories(body: dict) -> dict[int, int | None]:
    ids = [product["product_id"] for product in body["products"]]
    assert len(ids) == len(set(ids)), f"every product exactly once: {ids}"
    assert all(set(product) == {"product_id", "inventory"} for product in body["products"])
    return {product["product_id"]: product["inventory"] for product in body["products"]}


@pytest.mark.listing("10.8")
def test_10_8_combines_products_inventory_cart_and_favorites_of_user_3(stand_in):
    with bff(stand_in.env()) as (running, products_all):
        status, body, seconds = products_all()
    assert status == 200
    assert list(body) == ["cart_items", "favorite_items", "products"]
    assert (body["cart_items"], body["favorite_items"]) == (2, 3)
    assert inventories(body) == {1: 10, 2: 20, 3: 30}
    assert_about(seconds, 0, late=0.9, what="nothing waits for a timeout")
    assert stand_in.asked == Counter({"/products": 1, "/users/3/favorites": 1,
                                      "/users/3/cart": 1, "/products/1/inventory": 1,
                                      "/products/2/inventory": 1, "/products/3/inventory": 1})
    assert "ERROR" not in running.stderr


@pytest.mark.listing("10.8")
def test_10_8_a_slow_inventory_gives_null_for_that_product_after_1_second(stand_in):
    with bff(stand_in.env()) as (running, products_all):
        status, body, seconds = measured(stand_in, products_all, {"inventory 2": SLOW})
    assert status == 200
    assert inventories(body) == {1: 10, 2: None, 3: 30}
    assert body["products"][-1] == {"product_id": 2, "inventory": None}, "timed out ones last"
    assert (body["cart_items"], body["favorite_items"]) == (2, 3)
    assert_about(seconds, 1.0, early=0.05, late=0.4, what="the inventory wait gives up after 1 s")
    # The slow call was cancelled: not left to fail when the session closed under it (asyncio
    # then reports "Task exception was never retrieved" with a traceback).
    assert "Traceback" not in running.stderr, running.stderr


@pytest.mark.listing("10.8")
def test_10_8_a_slow_product_service_gives_504_after_1_second(stand_in):
    with bff(stand_in.env()) as (_, products_all):
        status, body, seconds = measured(stand_in, products_all, {"products": SLOW})
    assert (status, body) == (504, PRODUCTS_504)
    assert_about(seconds, 1.0, early=0.05, late=0.4, what="the first wait gives up after 1 s")
    assert not any("inventory" in path for path in stand_in.asked)


@pytest.mark.listing("10.8")
def test_10_8_a_product_service_that_is_down_gives_500_at_once(stand_in):
    with bff(stand_in.env(products=True)) as (running, products_all):
        status, body, seconds = products_all()
        wait_until(lambda: "Traceback" in running.stderr, message="the logged traceback")
    assert (status, body) == (500, PRODUCTS_500)
    assert_about(seconds, 0, late=0.8, what="a refused connection fails at once, no timeout")
    assert "ERROR:root:Server error reaching product service.\nTraceback" in running.stderr
    assert "ClientConnectorError" in running.stderr


@pytest.mark.listing("10.8")
def test_10_8_a_slow_cart_service_gives_null_cart_items(stand_in):
    with bff(stand_in.env()) as (running, products_all):
        status, body, seconds = measured(stand_in, products_all, {"cart": SLOW})
    assert status == 200
    assert (body["cart_items"], body["favorite_items"]) == (None, 3)
    assert inventories(body) == {1: 10, 2: 20, 3: 30}
    # the first wait gives up after 1 s; the instant inventory calls add nothing
    assert_about(seconds, 1.0, early=0.05, late=0.4, what="the first wait gives up after 1 s")
    assert "ERROR" not in running.stderr, "a timed-out cart is not logged"


@pytest.mark.listing("10.8")
def test_10_8_a_slow_cart_and_a_slow_inventory_take_the_two_waits_about_2_seconds(stand_in):
    with bff(stand_in.env()) as (_, products_all):
        status, body, seconds = measured(stand_in, products_all,
                                         {"cart": SLOW, "inventory 3": SLOW})
    assert status == 200
    assert (body["cart_items"], body["favorite_items"]) == (None, 3)
    assert inventories(body) == {1: 10, 2: 20, 3: None}
    assert_about(seconds, 2.0, early=0.05, late=0.4, what="two 1 s waits, one after the other")


@pytest.mark.listing("10.8")
def test_10_8_a_cart_service_that_is_down_gives_null_and_is_logged(stand_in):
    with bff(stand_in.env(cart=True)) as (running, products_all):
        status, body, seconds = products_all()
        wait_until(lambda: "Traceback" in running.stderr, message="the logged traceback")
    assert status == 200
    assert (body["cart_items"], body["favorite_items"]) == (None, 3)
    assert inventories(body) == {1: 10, 2: 20, 3: 30}
    assert_about(seconds, 0, late=0.9)
    assert "ERROR:root:Error getting user cart.\nTraceback" in running.stderr


@pytest.mark.listing("10.8")
def test_10_8_an_inventory_service_that_is_down_gives_null_and_logs_each_product(stand_in):
    """Each failed product logged: the first with its traceback, the others in one line."""
    with bff(stand_in.env(inventory=True)) as (running, products_all):
        status, body, _ = products_all()
        wait_until(lambda: running.stderr.count("ERROR:root:") == 3, message="three errors")
    assert status == 200
    assert inventories(body) == {1: None, 2: None, 3: None}
    logged = re.findall(r"^ERROR:root:Error getting inventory for id (\d+)(\nTraceback|: \w+)",
                        running.stderr, re.MULTILINE)
    assert sorted(product for product, _ in logged) == ["1", "2", "3"]
    assert [how for _, how in logged].count("\nTraceback") == 1, running.stderr


# --- 10.8 against the real services ---------------------------------------------------------

@pytest.mark.listing("10.8")
def test_10_8_with_the_real_services_degrades_as_each_one_hangs_or_goes_down(
        small_products_db, cart_db, favorites_db):
    env = small_products_db.env | cart_db.env | favorites_db.env
    with (service("10.7", "SERVER_PORT", env) as (products, products_port),
          service("10.1", "INVENTORY_PORT") as (_, inventory_port),
          service("10.5", "FAVORITES_PORT", env) as (_, favorites_port),
          service("10.6", "CART_PORT", env) as (cart, cart_port),
          bff({"SERVER_PORT": str(products_port), "INVENTORY_PORT": str(inventory_port),
               "FAVORITES_PORT": str(favorites_port), "CART_PORT": str(cart_port)})
          as (front, products_all)):
        status, body, seconds = products_all()
        assert status == 200
        assert (body["cart_items"], body["favorite_items"]) == (0, 3), "user 3's cart is empty"
        found = inventories(body)
        assert set(found) == {1, 2, 3, 4, 5}
        assert all(n is None or 0 <= n <= 100 for n in found.values())
        # The random 0-2 s inventory calls are cut off after 1 s (all five under 1 s is rare
        # but possible: hence the wide early margin).
        assert_about(seconds, 1, early=1.0, late=0.4, what="inventory calls cut off at 1 s")

        products.send_signal(signal.SIGSTOP)  # hung: it accepts connections, answers nothing
        try:
            status, body, seconds = products_all()
        finally:
            products.send_signal(signal.SIGCONT)
        assert (status, body) == (504, PRODUCTS_504)
        assert_about(seconds, 1, early=0.05, late=0.4)

        cart.send_signal(signal.SIGSTOP)
        try:
            status, body, seconds = products_all()
        finally:
            cart.send_signal(signal.SIGCONT)
        assert status == 200
        assert (body["cart_items"], body["favorite_items"]) == (None, 3)
        # 1 s waiting for the cart, then the inventory calls (random, cut off after 1 s).
        assert_about(seconds, 2, early=1.05, late=0.4, what="the cart's 1 s, then inventory")

        ok(cart.stop(signal.SIGINT))  # down
        status, body, _ = products_all()
        assert status == 200
        assert (body["cart_items"], body["favorite_items"]) == (None, 3)
        wait_until(lambda: "ERROR:root:Error getting user cart." in front.stderr)

        ok(products.stop(signal.SIGINT))
        status, body, seconds = products_all()
        assert (status, body) == (500, PRODUCTS_500)
        assert_about(seconds, 0, late=0.8)
        wait_until(lambda: "ERROR:root:Server error reaching product service." in front.stderr)


@pytest.mark.listing("10.8")
def test_util_run_10_8_starts_the_four_services_with_their_databases_and_stops_them(
        postgres, tmp_path):
    databases = {"PRODUCTS_DB": unique_database_name("products"),
                 "CART_DB": unique_database_name("cart"),
                 "FAVORITES_DB": unique_database_name("favorites")}
    ports = {name: free_port() for name in ("SERVER_PORT", "INVENTORY_PORT", "FAVORITES_PORT",
                                            "CART_PORT", "SERVICE_PORT")}
    env = (postgres.env() | databases | {name: str(port) for name, port in ports.items()}
           | {"ASYNCIO_DATA_DIR": str(tmp_path)})
    try:
        with Program("util", "run", "10.8", env=env) as cli:
            cli.wait_for_port(ports["SERVICE_PORT"], timeout=120)
            status, body, _ = get(f"http://127.0.0.1:{ports['SERVICE_PORT']}/products/all")
            assert all(port_open("127.0.0.1", port) for port in ports.values())
            result = cli.stop(signal.SIGINT, timeout=30)
        ok(result)
        for port in ports.values():
            assert not port_open("127.0.0.1", port), f"port {port} closed after Ctrl-C"
        messages = result.stderr.splitlines()
        for variable in ("PRODUCTS_DB", "CART_DB", "FAVORITES_DB"):
            assert f"[util] created database {databases[variable]!r}" in messages
        assert (f"[util] filled database {databases['CART_DB']!r} with chapter_10.load_cart"
                in messages)
        started = [re.match(r"\[util\] started listing (10\.\d+) ", line)
                   for line in messages]
        assert [match[1] for match in started if match] == ["10.7", "10.1", "10.5", "10.6"]
        assert status == 200
        assert (body["cart_items"], body["favorite_items"]) == (0, 3)
        found = inventories(body)
        assert set(found) == set(range(1, 1001)), "chapter 5's 1,000 products"
        numbers = [n for n in found.values() if n is not None]
        assert numbers and all(0 <= n <= 100 for n in numbers)
        assert len(numbers) < 500, "100 connections at a time: most calls time out"
    finally:
        for name in databases.values():
            asyncio.run(postgres.drop_database(name))


@pytest.mark.listing("10.8")
def test_util_run_10_8_with_a_service_port_in_use_is_one_clear_line_and_stops_the_others(
        small_products_db, cart_db, favorites_db, tmp_path):
    ports = {name: free_port() for name in ("SERVER_PORT", "INVENTORY_PORT", "FAVORITES_PORT",
                                            "SERVICE_PORT")}
    env = (small_products_db.env | cart_db.env | favorites_db.env
           | {name: str(port) for name, port in ports.items()}
           | {"ASYNCIO_DATA_DIR": str(tmp_path)})
    with socket.socket() as busy:  # something else holds the cart service's port
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        env["CART_PORT"] = str(busy.getsockname()[1])
        result = run_program("util", "run", "10.8", env=env, timeout=60)
    assert result.returncode == 2, str(result)
    assert "Traceback" not in result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert re.fullmatch(r"error: listing 10\.6 did not start: OSError: .*address already in use",
                        last), last
    for port in ports.values():
        assert not port_open("127.0.0.1", port), "the services started before it are stopped"


# --- 10.9, 10.10 ---------------------------------------------------------------------------

def retry_records(caplog) -> list:
    return [record for record in caplog.records
            if record.getMessage().startswith("Exception while waiting")]


@pytest.mark.listing("10.9")
def test_10_9_retry_returns_the_first_success_after_logging_each_failure(caplog):
    from chapter_10.listing_10_9 import retry

    calls = []

    async def fails_twice():
        calls.append(1)
        if len(calls) <= 2:
            raise ValueError(f"failure {len(calls)}")
        return 42

    assert asyncio.run(retry(fails_twice, max_retries=3, timeout=1, retry_interval=0.01)) == 42
    records = retry_records(caplog)
    assert [r.getMessage() for r in records] == [
        "Exception while waiting (tried 0 times), retrying.",
        "Exception while waiting (tried 1 times), retrying."]
    assert all(r.levelname == "ERROR" and r.name == "root" for r in records)
    assert [str(r.exc_info[1]) for r in records] == ["failure 1", "failure 2"]
    assert len(calls) == 3


@pytest.mark.listing("10.9")
def test_10_9_retry_gives_up_with_too_many_retries_after_each_interval(caplog):
    from chapter_10.listing_10_9 import TooManyRetries, retry

    async def always_fail():
        raise RuntimeError("nope")

    took = []
    for _ in range(3):
        caplog.clear()
        start = time.monotonic()
        with pytest.raises(TooManyRetries) as raised:
            asyncio.run(retry(always_fail, max_retries=3, timeout=1, retry_interval=0.1))
        took.append(time.monotonic() - start)
        assert str(raised.value) == ""
        assert [r.getMessage() for r in retry_records(caplog)] == [
            f"Exception while waiting (tried {n} times), retrying." for n in range(3)]
    assert_smallest(took, 0.3, early=0.01, what="three 0.1 s intervals")


@pytest.mark.listing("10.9")
def test_10_9_retry_cuts_each_attempt_off_at_the_timeout(caplog):
    from chapter_10.listing_10_9 import TooManyRetries, retry

    async def always_slow():
        await asyncio.sleep(1)

    took = []
    for _ in range(3):
        caplog.clear()
        start = time.monotonic()
        with pytest.raises(TooManyRetries):
            asyncio.run(retry(always_slow, max_retries=3, timeout=0.1, retry_interval=0.1))
        took.append(time.monotonic() - start)
        records = retry_records(caplog)
        assert len(records) == 3
        assert all(r.exc_info[0] is TimeoutError for r in records)
    assert_smallest(took, 0.6, early=0.01, what="3 x (0.1 s timeout + 0.1 s interval)")


@pytest.mark.listing("10.9")
def test_10_9_retry_with_no_retries_raises_at_once_without_calling(caplog):
    from chapter_10.listing_10_9 import TooManyRetries, retry

    def never():
        raise AssertionError("called")

    with pytest.raises(TooManyRetries):
        asyncio.run(retry(never, max_retries=0, timeout=1, retry_interval=1))
    assert retry_records(caplog) == []


@pytest.mark.listing("10.9")
def test_10_9_cancelling_a_retry_is_not_swallowed(caplog):
    from chapter_10.listing_10_9 import retry

    async def scenario():
        task = asyncio.create_task(retry(lambda: asyncio.sleep(5), max_retries=3, timeout=10,
                                         retry_interval=0))
        await asyncio.sleep(0.05)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(scenario())
    assert retry_records(caplog) == []


@pytest.mark.listing("10.10")
def test_10_10_prints_retried_too_many_times_twice_after_three_logged_failures_each():
    result = ok(run_listing("10.10"))
    assert result.lines == ["Retried too many times!", "Retried too many times!"]
    errors = re.findall(r"^ERROR:root:Exception while waiting \(tried (\d) times\), retrying\.$",
                        result.stderr, re.MULTILINE)
    assert errors == ["0", "1", "2", "0", "1", "2"]
    # what each traceback ends with, in order
    blocks = result.stderr.split("ERROR:root:")[1:]
    assert all(block.rstrip().endswith("Exception: I've failed!") for block in blocks[:3])
    assert all(block.rstrip().splitlines()[-1] == "TimeoutError" for block in blocks[3:])
    # Between the two messages: three attempts cut off at 0.1 s, each then 0.1 s apart (the
    # whole run's time, with the interpreter's start, read 3.1 s on a loaded CI machine).
    first, second = result.arrivals("Retried too many times!")
    assert_about(second - first, 0.6, early=0.05, late=0.25,
                 what="three 0.1 s timeouts and three 0.1 s intervals")


@pytest.mark.listing("10.10")
def test_10_10_waits_each_interval_and_cuts_each_attempt_off_at_the_timeout(caplog, capsys):
    """10.10's main in this process, timed by its log records' own clock: always_fail's three
    failures come 0.1 s (the interval) apart; always_timeout's 0.2 s (0.1 s interval, 0.1 s
    timeout), the first of them 0.2 s after the last of always_fail's (its last interval, then
    the first timeout)."""
    from chapter_10 import listing_10_10

    asyncio.run(listing_10_10.main())
    assert printed(capsys) == ["Retried too many times!"] * 2
    created = [record.created for record in retry_records(caplog)]
    assert len(created) == 6
    gaps = [later - earlier for earlier, later in pairwise(created)]
    assert_smallest(gaps[:2], 0.1, early=0.01, late=0.03, what=("always_fail's interval", gaps))
    assert_about(gaps[2], 0.2, early=0.01, late=0.09, what=("always_fail's last interval, "
                                                           "always_timeout's first timeout", gaps))
    assert_smallest(gaps[3:], 0.2, early=0.01, late=0.03, what=("timeout and interval", gaps))


# --- 10.11, 10.12 --------------------------------------------------------------------------

def printed(capsys) -> list[str]:
    return capsys.readouterr().out.splitlines()


@pytest.mark.listing("10.11")
def test_10_11_opens_after_max_failures_fails_fast_and_closes_after_the_reset_interval(capsys):
    from chapter_10.listing_10_11 import CircuitBreaker, CircuitOpenException

    slow = {"on": True}

    async def callback(value, extra=""):
        if slow["on"]:
            await asyncio.sleep(1)
        return f"{value}{extra}"

    breaker = CircuitBreaker(callback, timeout=0.05, time_window=10, max_failures=2,
                             reset_interval=0.3)

    async def scenario():
        for _ in range(2):
            with pytest.raises(TimeoutError):
                await breaker.request("x")
            assert printed(capsys) == ["Circuit is closed, requesting!", "Making request!"]
        start = time.monotonic()
        with pytest.raises(CircuitOpenException):
            await breaker.request("x")
        assert_about(time.monotonic() - start, 0, late=0.05, what="fails fast")
        assert printed(capsys) == ["Circuit is open, failing fast!"]
        await asyncio.sleep(0.35)  # past reset_interval since the last request
        slow["on"] = False
        assert await breaker.request("x", extra="!") == "x!"
        assert printed(capsys) == ["Circuit is going from open to closed, resetting!",
                                   "Making request!"]
        assert breaker.current_failures == 0

    asyncio.run(scenario())


@pytest.mark.listing("10.11")
def test_10_11_forgets_failures_older_than_the_time_window(capsys):
    from chapter_10.listing_10_11 import CircuitBreaker

    async def failing():
        raise ValueError("down")

    breaker = CircuitBreaker(failing, timeout=1, time_window=0.2, max_failures=3,
                             reset_interval=10)

    async def scenario():
        with pytest.raises(ValueError):
            await breaker.request()
        assert breaker.current_failures == 1 and breaker.last_failure_time is not None
        printed(capsys)
        await asyncio.sleep(0.25)
        with pytest.raises(ValueError):
            await breaker.request()
        assert printed(capsys) == ["Interval since first failure elapsed, resetting!",
                                   "Circuit is closed, requesting!", "Making request!"]
        assert breaker.current_failures == 1, "reset to 0, then this failure"

    asyncio.run(scenario())


@pytest.mark.listing("10.11")
def test_10_11_a_success_does_not_reset_the_failure_count(capsys):
    from chapter_10.listing_10_11 import CircuitBreaker, CircuitOpenException

    outcomes = iter(["fail", "ok", "fail"])

    async def flaky():
        if next(outcomes) == "fail":
            raise ValueError("down")
        return "fine"

    breaker = CircuitBreaker(flaky, timeout=1, time_window=10, max_failures=2,
                             reset_interval=10)

    async def scenario():
        with pytest.raises(ValueError):
            await breaker.request()
        assert await breaker.request() == "fine"
        with pytest.raises(ValueError):
            await breaker.request()
        with pytest.raises(CircuitOpenException):
            await breaker.request()

    asyncio.run(scenario())
    assert printed(capsys)[-1] == "Circuit is open, failing fast!"


@pytest.mark.listing("10.12")
def test_10_12_the_breaker_opens_fails_fast_and_closes_after_5_seconds():
    result = ok(run_listing("10.12", timeout=30))
    assert result.stderr == ""
    batch = ["Circuit is closed, requesting!", "Making request!",
             "Circuit is closed, requesting!", "Making request!",
             "Circuit is open, failing fast!", "Circuit is open, failing fast!"]
    second = ["Circuit is going from open to closed, resetting!", *batch[1:]]
    assert result.lines == [*batch, "Sleeping for 5 seconds so breaker closes...", *second]
    times = [when for when, _ in result.timed_lines]
    start = times[0]
    t = [when - start for when in times]
    assert_about(t[1], 0, late=0.2)
    assert_about(t[3] - t[1], 1, early=0.1, late=0.4, what="the first request times out after 1 s")
    assert_about(t[4] - t[3], 1, early=0.1, late=0.4,
                 what="the second one too; then the circuit is open")
    assert t[5] - t[4] < 0.2 and t[6] - t[5] < 0.2, "failing fast"
    assert_about(t[7] - t[6], 5, early=0.1, late=0.6, what="the 5 s pause")
    assert_about(t[8] - t[7], 0, late=0.2)
    assert_about(t[10] - t[8], 1, early=0.1, late=0.4)
    assert_about(t[11] - t[10], 1, early=0.1, late=0.4)
    assert_about(t[12] - t[11], 0, late=0.2)
    # (No whole-run window: the gaps above are the lesson, and the run's own start-up and exit
    # read 2 s slower than that on a loaded CI machine.)
