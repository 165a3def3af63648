"""One HTTP GET for the tests (urllib): the answer whatever its status, and how long it took."""
from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass


@dataclass
class Response:
    status: int
    body: bytes
    headers: dict[str, str]
    seconds: float  # from sending the request to the whole body read

    @property
    def text(self) -> str:
        return self.body.decode()

    def content(self) -> object:
        """The body as JSON if it says it is, as text otherwise."""
        kind = next((value for name, value in self.headers.items()
                     if name.lower() == "content-type"), "")
        if kind.startswith("application/json"):
            return json.loads(self.body)
        return self.text


def http_get(url: str, timeout: float = 10) -> Response:
    """GET `url`: an error status is a response too (4xx, 5xx), not an exception."""
    start = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as answer:
            return Response(answer.status, answer.read(), dict(answer.headers),
                            time.monotonic() - start)
    except urllib.error.HTTPError as error:
        return Response(error.code, error.read(), dict(error.headers), time.monotonic() - start)
