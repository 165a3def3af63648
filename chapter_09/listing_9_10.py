"""Listing 9.10 — Using the WebSocket endpoint

Section 9.3.2. Needs: peer (9.9). Listens: WEB_PORT.

What to watch: the listing is the page listing_9_10.html; this module serves it over HTTP on
127.0.0.1:WEB_PORT (8080) and prints its address, with the WebSocket counter of 9.9 running
(`python -m util run 9.10` starts it). Open the address in several browser tabs: "Users online:"
rises with every tab and falls when one is closed. Ctrl-C stops the page's server.

Differs from the book: the book opens the file itself in the browser (a file:// URL, which still
works); served here so that one command shows it. The page's ws://localhost:8000/counter follows
SERVER_PORT when 9.9 listens elsewhere.
"""
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from util import settings

PAGE = Path(__file__).parent / "listing_9_10.html"


class PageHandler(BaseHTTPRequestHandler):
    def __init__(self, page: bytes, *args, **kwargs):
        self.page = page
        super().__init__(*args, **kwargs)

    def do_GET(self):
        if self.path not in ("/", "/listing_9_10.html"):
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(self.page)))
        self.end_headers()
        self.wfile.write(self.page)


def page() -> bytes:
    html = PAGE.read_text(encoding="utf-8")
    return html.replace("ws://localhost:8000/", f"ws://localhost:{settings.SERVER_PORT}/").encode()


if __name__ == "__main__":
    server = ThreadingHTTPServer((settings.SERVER_HOST, settings.WEB_PORT),
                                 partial(PageHandler, page()))
    print(f"Listing 9.10 is served on http://{settings.SERVER_HOST}:{settings.WEB_PORT}/ "
          f"(open it in several tabs; the counter of 9.9 is "
          f"ws://localhost:{settings.SERVER_PORT}/counter). Ctrl-C stops it.", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
