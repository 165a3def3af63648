"""Listing 7.15 — The load tester app

Section 7.4.2. Needs: display, example-site.

What to watch: Tk's mainloop owns the main thread while an asyncio loop runs forever in a daemon
ThreadedEventLoop. Type a URL and a number of requests (say 2000) and click Submit: the button
reads "Cancel" and the bar advances 1% at a time while aiohttp fires the requests (100
connections at a time); when they are done the button reads "Submit" again and the bar stays at
99%. Clicking Cancel during a run stops the requests and freezes the bar. Closing the window
ends the program. Keep the counts sane: every request is a coroutine created up front.

Differs from the book: the URL field starts filled with the local www.example.com stand-in
(util.settings.EXAMPLE_URL; `python -m util run 7.15` starts it); type over it to test another
server.
"""
import asyncio
from asyncio import AbstractEventLoop
from threading import Thread

from chapter_07.listing_7_14 import LoadTester
from util import settings


class ThreadedEventLoop(Thread):
    def __init__(self, loop: AbstractEventLoop):
        super().__init__()
        self._loop = loop
        self.daemon = True

    def run(self):
        self._loop.run_forever()


if __name__ == "__main__":
    loop = asyncio.new_event_loop()

    asyncio_thread = ThreadedEventLoop(loop)
    asyncio_thread.start()

    app = LoadTester(loop)
    app._url_field.insert(0, settings.example_url())
    app.mainloop()
