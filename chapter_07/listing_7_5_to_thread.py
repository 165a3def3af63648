"""Listing 7.5 (today: to_thread) — Using a thread pool executor with asyncio

Section 7.2.3. Needs: example-site.

What to watch: the same 1,000 blocking requests and the same list of 1,000 200s between the
async_timed lines as 7.5, sent with asyncio.to_thread: no loop, no executor, no
functools.partial. The difference shows in the last line: a context variable set in main
(a request id, as a web framework sets one per request) is seen by the function running in the
thread with to_thread, but not with run_in_executor: "Request id seen in the thread:
to_thread='req-42', run_in_executor=None".

What changed: `await asyncio.to_thread(func, *args, **kwargs)` runs func in the event loop's
default thread pool, inside a copy of the caller's contextvars context.

Since: Python 3.9 (asyncio.to_thread).

Why it is better: shorter, keyword arguments without partial, and the thread sees the context
(request ids, logging context, OpenTelemetry spans, Django's and asgiref's state), which
run_in_executor silently drops. What to watch out for: to_thread always uses the default
executor (at most min(32, CPUs + 4) threads; give the loop a bigger one with
loop.set_default_executor if you need more), and a thread cannot be cancelled: cancelling the
await leaves the function running to its end.
"""
import asyncio
import contextvars

from chapter_07.listing_7_5 import get_status_code
from util import async_timed, settings
from util.tools.companions import refuse_older_python

request_id = contextvars.ContextVar('request_id', default=None)


def seen_request_id() -> str | None:
    return request_id.get()


@async_timed()
async def main():
    urls = [settings.example_url() for _ in range(1000)]
    tasks = [asyncio.to_thread(get_status_code, url) for url in urls]
    results = await asyncio.gather(*tasks)
    print(results)

    request_id.set('req-42')
    with_to_thread = await asyncio.to_thread(seen_request_id)
    loop = asyncio.get_running_loop()
    with_executor = await loop.run_in_executor(None, seen_request_id)
    print(f'Request id seen in the thread: to_thread={with_to_thread!r}, '
          f'run_in_executor={with_executor!r}')


if __name__ == "__main__":
    refuse_older_python("7.5_to_thread")
    asyncio.run(main())
