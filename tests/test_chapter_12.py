"""Chapter 12: asynchronous queues (checkout simulations, order services, a crawler, priority
and LIFO queues).

The listings run as the reader runs them (`python -m chapter_12.listing_12_N`). Where they
draw random numbers, the tests run them through RANDOMIZED, a few lines of `python -c` that
seed the random module (CH12_SEED) or make `random.randrange` return chosen values
(CH12_RANDRANGE, e.g. "2,2,1": 2, 2, then 1 for ever) and then run the listing's module with
runpy, unchanged. The tests then know every cart and every order delay the listing uses.
"""
import asyncio
import heapq
import random
import re
import signal
import time
from collections import defaultdict
from itertools import pairwise

import aiohttp
import pytest

from tests.support import Listing, assert_about, assert_smallest, free_port, ok, run_listing

RANDOMIZED = """\
import itertools, os, random, runpy, sys
if os.environ.get('CH12_SEED'):
    random.seed(int(os.environ['CH12_SEED']))
if os.environ.get('CH12_RANDRANGE'):
    values = [int(value) for value in os.environ['CH12_RANDRANGE'].split(',')]
    chosen = itertools.chain(values, itertools.repeat(values[-1]))
    random.randrange = lambda *args: next(chosen)
module = sys.argv[2]  # python -c RANDOMIZED -m chapter_12.listing_12_N
sys.argv = [module, *sys.argv[3:]]
runpy.run_module(module, run_name='__main__', alter_sys=True)
"""
RANDOMIZED_ARGS = ("-c", RANDOMIZED)

CHECKOUT_TIMES = {"beer": 2, "bananas": 0.5, "sausage": 0.2, "diapers": 0.2}
START = re.compile(r"Cashier (\d) checking out customer (\d+)")
PRODUCT = re.compile(r"Cashier (\d) checking out customer (\d+)'s (\w+)")
FINISH = re.compile(r"Cashier (\d) finished checking out customer (\d+)")


def cashier_lines(lines: list[str]) -> list[tuple[str, re.Match]]:
    """("start" | "product" | "finish", match) for each cashier line; fails on other lines."""
    parsed = []
    for line in lines:
        for kind, pattern in (("product", PRODUCT), ("start", START), ("finish", FINISH)):
            if match := pattern.fullmatch(line):
                parsed.append((kind, match))
                break
        else:
            raise AssertionError(f"unexpected line {line!r}")
    return parsed


def product_times(timed_lines) -> dict[str, list[float]]:
    """How long each product took to check out, by product: from its line to its cashier's next
    line (the next product, or the customer finished)."""
    scanning: dict[str, tuple[str, float]] = {}  # cashier -> (product, since)
    times = defaultdict(list)
    for when, line in timed_lines:
        match = PRODUCT.fullmatch(line) or START.fullmatch(line) or FINISH.fullmatch(line)
        if not match:
            continue
        if match[1] in scanning:
            product, since = scanning.pop(match[1])
            times[product].append(when - since)
        if match.re is PRODUCT:
            scanning[match[1]] = (match[3], when)
    return dict(times)


def assert_checkout_times(timed_lines) -> None:
    """Every product takes its checkout time (beer 2 s, bananas 0.5 s, sausage and diapers
    0.2 s): the smallest of its measurements, so a loaded machine does not count."""
    times = product_times(timed_lines)
    assert sorted(times) == sorted(CHECKOUT_TIMES), times
    for product, seconds in times.items():
        assert_smallest(seconds, CHECKOUT_TIMES[product], what=product)


def most_at_once(lines: list[str]) -> int:
    """The largest number of customers being checked out at the same time."""
    busy = largest = 0
    for line in lines:
        if START.fullmatch(line):
            busy += 1
            largest = max(largest, busy)
        elif FINISH.fullmatch(line):
            busy -= 1
    return largest


# --- 12.1: ten customers, three cashiers, get_nowait ----------------------------------------

SEED_12_1 = 2  # carts of 0, 1, 5, 9, 7, 0, 2, 2, 7, 7 products: 6.5 s with 3 cashiers, 18.5 s alone


def generated_carts(seed: int) -> list[list[str]]:
    """The carts listing 12.1 draws after random.seed(seed), in the same order of calls."""
    rng = random.Random(seed)
    names = list(CHECKOUT_TIMES)
    carts = []
    for _ in range(10):
        size = rng.randrange(10)
        carts.append([names[rng.randrange(len(names))] for _ in range(size)])
    return carts


def greedy_makespan(carts: list[list[str]], cashiers: int = 3) -> float:
    """Customers in id order, each to the cashier who is free first."""
    free = [0.0] * cashiers
    for cart in carts:
        heapq.heappush(free, heapq.heappop(free) + sum(CHECKOUT_TIMES[p] for p in cart))
    return max(free)


@pytest.mark.listing("12.1")
def test_12_1_three_cashiers_check_out_ten_customers_in_id_order():
    carts = generated_carts(SEED_12_1)
    makespan = greedy_makespan(carts)
    sequential = sum(CHECKOUT_TIMES[p] for cart in carts for p in cart)
    assert sequential > 2 * makespan  # the seed makes the point; see SEED_12_1

    run = run_listing("12.1", env={"CH12_SEED": str(SEED_12_1)}, python_args=RANDOMIZED_ARGS,
                      timeout=60)
    ok(run)
    assert run.stderr == ""
    parsed = cashier_lines(run.lines)
    starts = [int(m[2]) for kind, m in parsed if kind == "start"]
    finishes = [int(m[2]) for kind, m in parsed if kind == "finish"]
    assert starts == list(range(10)), "customers are taken in id order"
    assert sorted(finishes) == list(range(10))
    assert {m[1] for _, m in parsed} <= {"0", "1", "2"}
    for customer, cart in enumerate(carts):
        # the cashier who started the customer checks out that cart, in order, then finishes
        lines = [(kind, m) for kind, m in parsed if int(m[2]) == customer]
        assert [kind for kind, _ in lines] == ["start", *["product"] * len(cart), "finish"]
        assert [m[3] for kind, m in lines if kind == "product"] == cart
        assert len({m[1] for _, m in lines}) == 1
    for customer in (customer for customer, cart in enumerate(carts) if not cart):
        # an empty cart: the start and finish lines come back to back
        index = next(i for i, line in enumerate(run.lines)
                     if (m := START.fullmatch(line)) and int(m[2]) == customer)
        assert FINISH.fullmatch(run.lines[index + 1])[2] == str(customer)

    assert most_at_once(run.lines) == 3
    assert_checkout_times(run.timed_lines)
    span = run.timed_lines[-1][0] - run.timed_lines[0][0]
    assert makespan - 0.15 <= span <= makespan + 0.5, (span, makespan)
    assert run.seconds < sequential / 2


# --- 12.2: a bounded queue pushes back on the producer ---------------------------------------

SEED_12_2 = 5  # the queue fills up within about 3 s


def back_pressure(lines: list[str]) -> tuple[int, int]:
    """(largest number of customers put in line but not yet taken by a cashier, over every
    prefix of the output; number of times a cashier took a customer while the producer was
    waiting to put one)."""
    queued = largest = blocked = 0
    waiting = False
    for line in lines:
        if line == "Waiting to put customer in line...":
            waiting = True
        elif line == "Customer put in line!":
            queued += 1
            largest = max(largest, queued)
            waiting = False
        elif START.fullmatch(line):
            queued -= 1
            blocked += waiting
    return largest, blocked


@pytest.mark.listing("12.2")
def test_12_2_bounded_queue_makes_the_producer_wait():
    with Listing("12.2", env={"CH12_SEED": str(SEED_12_2)},
                 python_args=RANDOMIZED_ARGS) as running:
        running.wait_for(lambda: back_pressure(running.stdout.splitlines())[1] >= 3,
                         "three customers put only after a cashier freed a place", 40)
        run = running.stop(signal.SIGTERM)
    assert run.returncode == -signal.SIGTERM
    assert run.stderr == "", "no traceback before termination"
    lines = run.lines
    largest, blocked = back_pressure(lines)
    assert largest == 5, "the queue fills up to its bound of 5 and never beyond"
    assert blocked >= 3
    assert lines.count("Waiting to put customer in line...") - \
        lines.count("Customer put in line!") in (0, 1)
    starts = [int(START.fullmatch(line)[2]) for line in lines if START.fullmatch(line)]
    assert starts == list(range(len(starts))), "customers are taken in id order"
    cashier_lines([line for line in lines if line.startswith("Cashier")])
    assert most_at_once(lines) == 3, "three cashiers, all busy"
    assert_checkout_times(run.timed_lines)


@pytest.mark.listing("12.2")
def test_12_2_the_producer_adds_a_batch_of_customers_every_second():
    """randrange always 3: three customers a second, each with three diapers (0.6 s), which
    the three cashiers take at once; the queue never fills."""
    with Listing("12.2", env={"CH12_RANDRANGE": "3"}, python_args=RANDOMIZED_ARGS) as running:
        running.wait_for(lambda: running.stdout.count("Customer put in line!") >= 15,
                         "five batches of customers", 20)
        run = running.stop(signal.SIGTERM)
    assert run.stderr == ""
    put = [when for when, line in run.timed_lines if line == "Customer put in line!"]
    batches = [put[start:start + 3] for start in range(0, len(put) - 2, 3)]
    assert all(batch[-1] - batch[0] < 0.1 for batch in batches), "three put at once"
    batches = [batch[0] for batch in batches]
    assert_smallest([later - earlier for earlier, later in pairwise(batches)], 1,
                    what="the producer's period")
    starts = [START.fullmatch(line) for line in run.lines if START.fullmatch(line)]
    assert [int(match[2]) for match in starts] == list(range(len(starts)))
    assert [match[1] for match in starts[:9]] == ["0", "1", "2"] * 3, "each cashier, in turn"
    assert most_at_once(run.lines) == 3
    times = product_times(run.timed_lines)
    assert list(times) == ["diapers"]
    assert_smallest(times["diapers"], 0.2, what="diapers")


# --- 12.3 and 12.7: order services on aiohttp ------------------------------------------------

def server_env(port: int) -> dict[str, str]:
    return {"SERVER_HOST": "127.0.0.1", "WEB_PORT": str(port)}


async def post_orders(url: str, bodies: list, method: str = "POST") -> list[dict]:
    """Send all requests at once; each result has status, text, content_type, seconds (from
    the moment the batch started)."""
    started = time.monotonic()

    async def one(session, body):
        kwargs = {} if body is None else ({"data": body} if isinstance(body, str)
                                          else {"json": body})
        async with session.request(method, url, **kwargs) as response:
            return {"status": response.status, "text": await response.text(),
                    "content_type": response.headers.get("Content-Type"),
                    "seconds": time.monotonic() - started}

    async with aiohttp.ClientSession() as session:
        return await asyncio.gather(*(one(session, body) for body in bodies))


def count(running: Listing, pattern: str) -> int:
    return sum(1 for _, line in running.timed_lines if re.fullmatch(pattern, line))


def startup_lines_ok(lines: list[str], port: int) -> None:
    """The hook's line, then the five idle workers and aiohttp's banner (in any order)."""
    assert lines[0] == "Creating order queue and tasks."
    assert sorted(lines[1:8]) == sorted(
        [f"Worker {i}: Waiting for an order..." for i in range(5)]
        + [f"======== Running on http://127.0.0.1:{port} ========", "(Press CTRL+C to quit)"])


def worker_pairs(timed_lines, processing: str, processed: str) -> list[tuple[str, float, float]]:
    """(order, started, finished) from each worker's Processing line and its next Processed
    line, with their arrival times."""
    open_orders, pairs = {}, []
    for when, line in timed_lines:
        if match := re.fullmatch(rf"Worker (\d): {processing} (.+)", line):
            assert match[1] not in open_orders, "a worker takes one order at a time"
            open_orders[match[1]] = (match[2], when)
        elif match := re.fullmatch(rf"Worker (\d): {processed} (.+)", line):
            order, started = open_orders.pop(match[1])
            assert match[2] == order
            pairs.append((order, started, when))
    assert not open_orders
    return pairs


@pytest.mark.listing("12.3")
def test_12_3_orders_are_answered_at_once_and_processed_by_workers():
    port = free_port()
    url = f"http://127.0.0.1:{port}/order"
    with Listing("12.3", env=server_env(port)) as running:
        running.wait_for_port(port)
        running.wait_for(lambda: count(running, r"Worker \d: Waiting for an order...") == 5,
                         "five workers waiting", 10)
        results = asyncio.run(post_orders(url, [None, "", "anything", None, "{}", None, "x"]))
        for result in results:
            assert result["status"] == 200
            assert result["text"] == "Order placed!"
            assert result["content_type"] == "text/plain; charset=utf-8"
            assert_about(result["seconds"], 0, late=0.9, what="answered before the work is done")
        assert [r["status"] for r in asyncio.run(post_orders(url, [None], "GET"))] == [405]
        other = url.replace("/order", "/orders")
        assert [r["status"] for r in asyncio.run(post_orders(other, [None]))] == [404]
        running.wait_for(lambda: count(running, r"Worker \d: Processed order \d") == 7,
                         "seven orders processed", 20)
        run = running.stop(signal.SIGINT, timeout=20)

    ok(run)
    startup_lines_ok(run.lines, port)
    pairs = worker_pairs(run.timed_lines, "Processing order", "Processed order")
    assert len(pairs) == 7
    by_delay = defaultdict(list)
    for order, started, finished in pairs:
        assert int(order) in range(5)
        by_delay[int(order)].append(finished - started)
    for delay, seconds in by_delay.items():  # an order of N takes N seconds
        assert_smallest(seconds, delay, early=0.05, late=0.3, what=(delay, pairs))
    assert run.lines[-2:] == ["Waiting for pending queue workers to finish....",
                              "Finished all pending items, canceling worker tasks..."]
    assert "Traceback" not in run.stderr
    assert "NotAppKeyWarning" not in run.stderr


@pytest.mark.listing("12.3")
def test_12_3_a_full_queue_holds_requests_back_and_shutdown_drains_it():
    port = free_port()
    url = f"http://127.0.0.1:{port}/order"
    delay = 1  # every order takes 1 s
    with Listing("12.3", env=server_env(port) | {"CH12_RANDRANGE": str(delay)},
                 python_args=RANDOMIZED_ARGS) as running:
        running.wait_for_port(port)
        running.wait_for(lambda: count(running, r"Worker \d: Waiting for an order...") == 5,
                         "five workers waiting", 10)
        results = asyncio.run(post_orders(url, [None] * 17))
        # 5 orders in work and 10 in the queue: the last 2 requests wait for a free place,
        # which the first orders free only when their 1 s of work is done
        assert all(r["status"] == 200 and r["text"] == "Order placed!" for r in results)
        times = sorted(r["seconds"] for r in results)
        assert all(t < delay for t in times[:15]), times
        assert all(t >= delay for t in times[15:]), times
        running.send_signal(signal.SIGTERM)  # 10 orders are still waiting in the queue
        run = running.wait(timeout=20)

    ok(run)
    lines = run.lines
    processed = [i for i, line in enumerate(lines) if re.fullmatch(r"Worker \d: Processed order 1",
                                                                   line)]
    assert len(processed) == 17, "every order was processed before the exit"
    draining = lines.index("Waiting for pending queue workers to finish....")
    finished = lines.index("Finished all pending items, canceling worker tasks...")
    assert sum(1 for i in processed if i > draining) >= 10, "the queue was drained at shutdown"
    assert processed[-1] < finished == len(lines) - 1
    assert "Traceback" not in run.stderr


@pytest.mark.parametrize("listing", [
    pytest.param("12.3", marks=pytest.mark.listing("12.3")),
    pytest.param("12.7", marks=pytest.mark.listing("12.7")),
])
def test_shutdown_gives_the_queue_10_seconds_at_most(listing):
    """Orders of 4 s each, 5 in work and 10 in the queue: 12 s of work left when the server is
    told to stop. wait_for(queue.join(), timeout=10) gives up after 10 s, two waves done."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/order"
    body = None if listing == "12.3" else {"power_user": "False"}
    with Listing(listing, env=server_env(port) | {"CH12_RANDRANGE": "4"},
                 python_args=RANDOMIZED_ARGS) as running:
        running.wait_for_port(port)
        running.wait_for(lambda: count(running, r"Worker \d: Waiting for an order...") == 5,
                         "five workers waiting", 10)
        results = asyncio.run(post_orders(url, [body] * 15))
        assert [r["status"] for r in results] == [200] * 15
        running.send_signal(signal.SIGTERM)
        run = running.wait(timeout=30)
    # The timeout reaches aiohttp's run_app: a traceback ending in TimeoutError, exit 1.
    assert run.returncode == 1, run
    assert run.stderr.strip().splitlines()[-1] == "TimeoutError", run.stderr
    [draining] = run.arrivals("Waiting for pending queue workers to finish....")
    [gave_up] = run.arrivals("Finished all pending items, canceling worker tasks...")
    assert_about(gave_up - draining, 10, early=0.1, late=1.0, what="the drain's timeout")
    assert count(run, r"Worker \d: Processed order .*") == 10, "two waves of five"
    assert count(run, r"Worker \d: Processing order .*") == 15


def test_12_7_orders_compare_by_user_type_alone():
    from chapter_12.listing_12_7 import Order, UserType

    assert Order(UserType.POWER_USER, 4) < Order(UserType.NORMAL_USER, 0)
    assert Order(UserType.NORMAL_USER, 0) == Order(UserType.NORMAL_USER, 4)
    assert not Order(UserType.POWER_USER, 0) < Order(UserType.POWER_USER, 4)
    assert repr(Order(UserType.POWER_USER, 3)) == \
        "Order(user_type=<UserType.POWER_USER: 1>, order_delay=3)"


POWER = "Order(user_type=<UserType.POWER_USER: 1>, order_delay=1)"
NORMAL = "Order(user_type=<UserType.NORMAL_USER: 2>, order_delay=1)"


@pytest.mark.listing("12.7")
def test_12_7_power_users_orders_jump_the_queue():
    port = free_port()
    url = f"http://127.0.0.1:{port}/order"
    # the first five orders take 2 s, the rest 1 s
    with Listing("12.7", env=server_env(port) | {"CH12_RANDRANGE": "2,2,2,2,2,1"},
                 python_args=RANDOMIZED_ARGS) as running:
        running.wait_for_port(port)
        running.wait_for(lambda: count(running, r"Worker \d: Waiting for an order...") == 5,
                         "five workers waiting", 10)
        started = time.monotonic()
        busy = asyncio.run(post_orders(url, [{"power_user": "False"}] * 5))
        mixed = asyncio.run(post_orders(url, [{"power_user": "True"},
                                              {"power_user": "False"}] * 5))
        assert_about(time.monotonic() - started, 0, late=2,
                     what="the ten orders wait in the queue together")
        assert all(r["status"] == 200 and r["text"] == "Order placed!" for r in busy + mixed)
        running.wait_for(lambda: count(running, r"Worker \d: Processed order .*") == 15,
                         "fifteen orders processed", 20)

        # the power_user value must be the string 'True'; anything else is a normal user
        statuses = [r["status"] for r in asyncio.run(post_orders(
            url, [{"power_user": True}, {"power_user": "yes"}, {"power_user": "True"}]))]
        assert statuses == [200, 200, 200]
        errors = [r["status"] for r in asyncio.run(post_orders(url, [{}, "not json"]))]
        assert errors == [500, 500]
        assert [r["status"] for r in asyncio.run(post_orders(url, [None], "GET"))] == [405]
        run = running.stop(signal.SIGINT, timeout=20)

    ok(run)
    startup_lines_ok(run.lines, port)
    taken = [m[1] for line in run.lines
             if (m := re.fullmatch(r"Worker \d: Processing order (.+)", line))]
    assert taken[:5] == ["Order(user_type=<UserType.NORMAL_USER: 2>, order_delay=2)"] * 5
    assert taken[5:15] == [POWER] * 5 + [NORMAL] * 5, "power users first, though sent mixed"
    assert sorted(taken[15:]) == sorted([POWER, NORMAL, NORMAL]), "JSON true, 'yes': normal"
    assert len(worker_pairs(run.timed_lines, "Processing order", "Processed order")) == 18
    draining = run.lines.index("Waiting for pending queue workers to finish....")
    last_processed = max(i for i, line in enumerate(run.lines) if "Processed order" in line)
    assert draining < last_processed, "the last orders are drained at shutdown"
    assert run.lines[-1] == "Finished all pending items, canceling worker tasks..."
    assert "KeyError: 'power_user'" in run.stderr
    assert "JSONDecodeError" in run.stderr


# --- 12.4: the crawler -----------------------------------------------------------------------

def crawl_checks(run, site, processing: int) -> None:
    ok(run)
    lines = run.lines
    # each worker announces itself when it first runs; worker 0 finds the start page at once
    assert [line for line in lines if re.fullmatch(r"Worker \d+", line)] == \
        [f"Worker {i}" for i in range(100)]
    assert sum(1 for line in lines if re.fullmatch(r"Worker \d+: Processing .+", line)) \
        == processing
    assert sum(1 for line in lines if re.fullmatch(r"Worker \d+: Finished .+", line)) \
        == processing
    max_depth = [line for line in lines if line.startswith("Max depth reached")]
    assert sorted(max_depth) == [
        f"Max depth reached, not processing more for {site.url}/{a}/{b}/{c}?links=2"
        for a in (1, 2) for b in (1, 2) for c in (1, 2)]
    assert site.stats() == {"started": 15, "completed": 15, "cancelled": 0}
    # A level's pages are fetched together: each level starts one latency after the one above
    # (its links are known when the page above is in), and all four take four latencies.
    levels = defaultdict(list)
    for when, line in run.timed_lines:
        page = re.fullmatch(rf"Worker \d+: Processing {re.escape(site.url)}(/\S*)\?.*", line)
        if page:  # "/" is level 0, "/1" level 1, "/1/2" level 2...
            levels[page[1].rstrip("/").count("/")].append(when)
    assert {depth: len(times) for depth, times in levels.items()} == {0: 1, 1: 2, 2: 4, 3: 8}
    starts = [min(levels[depth]) for depth in range(4)]
    latency = site.latency
    assert_smallest([later - earlier for earlier, later in pairwise(starts)], latency,
                    what=("a level after the one above", starts))
    times = [when for when, line in run.timed_lines if re.match(r"Worker \d+: ", line)]
    assert_about((times[-1] - times[0]) / latency, 4, early=0.2, late=0.8,
                 what="the crawl, in latencies: one per level")


@pytest.mark.listing("12.4")
def test_12_4_crawler_fetches_three_levels_of_links_concurrently(example_site):
    example_site.reset()
    run = run_listing("12.4", env=example_site.env, timeout=60)
    crawl_checks(run, example_site, processing=15)
    assert run.stderr == ""


@pytest.mark.listing("12.4")
def test_12_4_a_page_slower_than_3_s_is_given_up(example_site):
    """wait_for(session.get(url), timeout=3): a page that answers after 5 s is logged as an
    error after 3 s, and the crawl ends (nothing else in the queue)."""
    example_site.reset()
    url = f"{example_site.url}/?delay=5"
    run = run_listing("12.4", url, env=example_site.env, timeout=60)
    ok(run)
    [started] = run.arrivals(f"Worker 0: Processing {url}")
    [finished] = run.arrivals(f"Worker 0: Finished {url}")
    assert_about(finished - started, 3, early=0.05, late=0.6, what="the page's timeout")
    assert run.stderr.startswith(f"ERROR:root:Error processing url {url}\nTraceback"), run.stderr
    assert run.stderr.strip().splitlines()[-1] == "TimeoutError", run.stderr
    assert example_site.stats() == {"started": 1, "completed": 0, "cancelled": 1}


@pytest.mark.listing("12.4")
def test_12_4_a_relative_link_is_logged_and_the_crawl_goes_on(example_site):
    example_site.reset()
    run = run_listing("12.4", f"{example_site.url}/?links=2&relative=1",
                      env=example_site.env, timeout=60)
    crawl_checks(run, example_site, processing=16)
    assert run.stderr.startswith("ERROR:root:Error processing url /rel\nTraceback"), run.stderr
    assert run.stderr.count("ERROR:root:") == 1
    assert "InvalidUrlClientError: /rel" in run.stderr or "InvalidURL" in run.stderr


# --- 12.5, 12.6, 12.8-12.10: priority and LIFO queues ----------------------------------------

QUEUE_OUTPUTS = {
    "12.5": ["(1, 'High priority')", "(2, 'Medium priority')", "(3, 'Lowest priority')"],
    "12.6": ["WorkItem(priority=1, data='High priority')",
             "WorkItem(priority=2, data='Medium priority')",
             "WorkItem(priority=3, data='Lowest priority')"],
    "12.8": ["WorkItem(priority=1, data='High priority')",
             "WorkItem(priority=2, data='Medium priority')",
             "WorkItem(priority=3, data='Lowest priority third')",
             "WorkItem(priority=3, data='Lowest priority second')",
             "WorkItem(priority=3, data='Lowest priority')"],
    "12.9": ["WorkItem(priority=1, order=5, data='High priority')",
             "WorkItem(priority=2, order=4, data='Medium priority')",
             "WorkItem(priority=3, order=1, data='Lowest priority')",
             "WorkItem(priority=3, order=2, data='Lowest priority second')",
             "WorkItem(priority=3, order=3, data='Lowest priority third')"],
    "12.10": ["WorkItem(priority=1, order=5, data='High priority')",
              "WorkItem(priority=2, order=4, data='Medium priority')",
              "WorkItem(priority=3, order=3, data='Lowest priority third')",
              "WorkItem(priority=3, order=2, data='Lowest priority second')",
              "WorkItem(priority=3, order=1, data='Lowest priority first')"],
}


@pytest.mark.parametrize("listing", [
    pytest.param("12.5", marks=pytest.mark.listing("12.5")),
    pytest.param("12.6", marks=pytest.mark.listing("12.6")),
    pytest.param("12.8", marks=pytest.mark.listing("12.8")),
    pytest.param("12.9", marks=pytest.mark.listing("12.9")),
    pytest.param("12.10", marks=pytest.mark.listing("12.10")),
])
def test_priority_and_lifo_queues_print_items_in_queue_order(listing):
    run = ok(run_listing(listing, timeout=30))
    assert run.stderr == ""
    assert run.lines == [f"Processing work item {item}" for item in QUEUE_OUTPUTS[listing]]
    assert_about(run.seconds, 0, late=10)  # instant, even on a loaded machine


@pytest.mark.listing("12.6")
def test_12_6_work_items_compare_by_priority_alone():
    """What field(compare=False) is for: two items of one priority are equal whatever their
    data, so the queue never orders them by it, and data that has no order (a dict) can share
    a priority without breaking the queue."""
    from chapter_12.listing_12_6 import WorkItem

    assert WorkItem(1, "b") == WorkItem(1, "a")
    assert WorkItem(1, "z") < WorkItem(2, "a")
    queue = asyncio.PriorityQueue()
    for data in ("b", "a"):
        queue.put_nowait(WorkItem(1, data))
    assert [queue.get_nowait().data for _ in range(2)] == ["b", "a"]  # not sorted by data
    queue.put_nowait(WorkItem(1, {"sku": 2}))
    queue.put_nowait(WorkItem(1, {"sku": 1}))  # no TypeError comparing two dicts
    assert queue.qsize() == 2


@pytest.mark.listing("12.8")
def test_12_8_equal_priorities_do_not_keep_insertion_order():
    run = run_listing("12.8", timeout=30)
    lowest = [line for line in run.lines if "priority=3" in line]
    inserted = ["Lowest priority", "Lowest priority second", "Lowest priority third"]
    assert [re.search(r"data='(.+)'", line)[1] for line in lowest] != inserted
    assert sorted(re.search(r"data='(.+)'", line)[1] for line in lowest) == inserted
