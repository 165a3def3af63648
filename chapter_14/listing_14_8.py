"""Listing 14.8 — A CustomFuture implementation

Section 14.5.3. Needs: nothing.

What to watch: a library (running it prints nothing). A minimal awaitable future: a result, a
finished flag and one done-callback slot, called with the result value by set_result. Its
__await__ yields the future itself while it is not finished, so whoever drives the coroutine
with send() receives it; resumed, it returns the result. Listings 14.9-14.13 build on it. It only
works with those hand-written drivers: awaited inside an asyncio task it fails with
"RuntimeError: Task got bad yield".
"""


class CustomFuture:

    def __init__(self):
        self._result = None
        self._is_finished = False
        self._done_callback = None

    def result(self):
        return self._result

    def is_finished(self):
        return self._is_finished

    def set_result(self, result):
        self._result = result
        self._is_finished = True
        if self._done_callback:
            self._done_callback(result)

    def add_done_callback(self, fn):
        self._done_callback = fn

    def __await__(self):
        if not self._is_finished:
            yield self
        return self.result()
