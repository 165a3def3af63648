"""The example.com stand-in refuses what it cannot serve sensibly: a delay that is not a finite
number of seconds from 0 to 60, an informational status (1xx) a client would wait after, more
links than a page can reasonably hold. Each is a 400 at once, and the server keeps answering."""
import socket
import time

import pytest

from tests.support import free_port, http_get
from util.tools.example_site import ExampleSite


@pytest.fixture(scope="module")
def stand_in():
    """A stand-in of this module's own (a fault must not reach the other tests' server)."""
    site = ExampleSite.start("127.0.0.1", free_port(), latency=0)
    yield site
    site.stop()


def send_raw(port: int, path: str) -> socket.socket:
    """A request that is sent and not waited for (the client that asked for it stays)."""
    client = socket.create_connection(("127.0.0.1", port), timeout=3)
    client.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    return client


@pytest.mark.parametrize("delay", ["nan", "NaN", "inf", "-inf", "-1", "61", "1e308"])
def test_a_delay_that_is_not_0_to_60_seconds_is_a_400_at_once(stand_in, delay):
    start = time.monotonic()
    response = http_get(f"{stand_in.url}/?delay={delay}", timeout=3)
    assert response.status == 400, response.body
    assert b"delay must be a number from 0 to 60" in response.body
    assert time.monotonic() - start < 2


def test_ordinary_requests_are_answered_promptly_after_a_nan_delay(stand_in):
    pending = [send_raw(stand_in.port, "/?delay=nan") for _ in range(3)]
    try:
        time.sleep(0.2)  # the NaN requests have reached the server
        for _ in range(5):
            start = time.monotonic()
            response = http_get(f"{stand_in.url}/?delay=0.05", timeout=5)
            assert response.status == 200 and b"Example Domain" in response.body
            assert time.monotonic() - start < 1
    finally:
        for client in pending:
            client.close()


@pytest.mark.parametrize("status", ["100", "101", "103", "199", "600"])
def test_only_a_final_status_is_served(stand_in, status):
    start = time.monotonic()
    response = http_get(f"{stand_in.url}/?status={status}", timeout=3)
    assert response.status == 400, response.body
    assert b"status must be an integer from 200 to 599" in response.body
    assert time.monotonic() - start < 2


def test_a_final_status_is_still_served(stand_in):
    assert http_get(f"{stand_in.url}/?status=204", timeout=3).status == 204
    assert http_get(f"{stand_in.url}/?status=599", timeout=3).status == 599


@pytest.mark.parametrize("links", ["101", "1000000", "-1", "9" * 5000])
def test_more_than_100_links_is_a_400_not_megabytes(stand_in, links):
    response = http_get(f"{stand_in.url}/?links={links}", timeout=3)
    assert response.status == 400
    assert len(response.body) < 1000


def test_100_links_are_served(stand_in):
    response = http_get(f"{stand_in.url}/?links=100", timeout=3)
    assert response.status == 200
    assert response.body.count(b"<a href=") == 100
