"""Listing 14.11 — A task implementation

Section 14.5.5. Needs: nothing.

What to watch: a library (running it prints nothing). CustomTask wraps a coroutine for the
custom event loop of 14.12 and registers itself with the loop when it is created. step() starts
the coroutine and hangs the task's _future_done on the CustomFuture it yielded; when that future
gets its result, _future_done resumes the coroutine at once, inside the I/O callback. When the
coroutine returns, the task's own result is set and it counts as finished. There is no
cancellation and no exception handling.
"""
from chapter_14.listing_14_8 import CustomFuture


class CustomTask(CustomFuture):

    def __init__(self, coro, loop):
        super(CustomTask, self).__init__()
        self._coro = coro
        self._loop = loop
        self._current_result = None
        self._task_state = None
        loop.register_task(self)

    def step(self):
        try:
            if self._task_state is None:
                self._task_state = self._coro.send(None)
            if isinstance(self._task_state, CustomFuture):
                self._task_state.add_done_callback(self._future_done)
        except StopIteration as si:
            self.set_result(si.value)

    def _future_done(self, result):
        self._current_result = result
        try:
            self._task_state = self._coro.send(self._current_result)
        except StopIteration as si:
            self.set_result(si.value)
