"""The www.example.com stand-in (util.tools.example_site_server): pages, latency, counters."""
import asyncio
import contextlib
import json
import re
import signal
import socket
import time

import aiohttp

from tests.support import Program, Timeout, assert_about, http_get, wait_until


def test_stand_in_serves_example_domain_after_its_latency(example_site):
    response = http_get(example_site.url + "/any/path")
    assert response.status == 200
    assert "<h1>Example Domain</h1>" in response.text
    assert response.headers["X-Stub"] == "yes"
    assert example_site.latency == 0.5
    assert_about(response.seconds, 0.5, late=0.2, what="the latency")  # 0.75 s fails


def test_stand_in_latency_and_status_per_request(example_site):
    response = http_get(example_site.url + "/?delay=1&status=503")
    assert response.status == 503
    # the request's delay instead of the stand-in's 0.5 s, not added to it (1.5 s)
    assert_about(response.seconds, 1, late=0.4, what="?delay=1")
    assert_about(http_get(example_site.url + "/?delay=0").seconds, 0, late=0.2, what="?delay=0")
    assert http_get(example_site.url + "/?delay=soon").status == 400
    assert http_get(example_site.url + "/?status=42").status == 400


def test_stand_in_serves_pages_with_absolute_links_for_a_crawler(example_site):
    body = http_get(example_site.url + "/?delay=0&links=2&relative=1").text
    assert re.findall(r'href="([^"]+)"', body) == [
        f"{example_site.url}/1?links=2", f"{example_site.url}/2?links=2", "/rel"]
    body = http_get(example_site.url + "/1?delay=0&links=2").text
    assert re.findall(r'href="([^"]+)"', body) == [
        f"{example_site.url}/1/1?links=2", f"{example_site.url}/1/2?links=2"]
    plain = http_get(example_site.url + "/?delay=0").text
    assert "href" not in plain


def test_stand_in_counts_started_completed_and_cancelled(example_site):
    example_site.reset()
    http_get(example_site.url + "/?delay=0")
    with socket.create_connection(("127.0.0.1", example_site.port)) as client:
        client.sendall(b"GET /?delay=5 HTTP/1.1\r\nHost: x\r\n\r\n")
        time.sleep(0.3)
    with contextlib.suppress(Timeout):  # the server notices the dropped client a moment later
        wait_until(lambda: example_site.stats()["cancelled"] >= 1, 5, "a cancelled request",
                   interval=0.05)
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
        result = Program("util.tools.example_site_server", "--port", str(port)).wait(10)
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        f"example_site: cannot listen on 127.0.0.1:{port}: Address already in use"]


def test_stand_in_stops_cleanly_on_sigterm(example_site_factory):
    site = example_site_factory(latency=0)
    site.process.send_signal(signal.SIGTERM)
    assert site.process.wait(15) == 0
    assert site.process.stderr.read() == b""


def test_stats_are_json(example_site):
    response = http_get(example_site.url + "/__stats")
    assert response.status == 200
    assert set(json.loads(response.body)) == {"started", "completed", "cancelled"}
