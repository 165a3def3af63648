"""The async_api views: listings 9.11, 9.14 and 9.15 (section 9.4) in one file, as in the book.

Listing 9.11 — A Django asynchronous view: requests_view fans out request_num GETs of url with
one aiohttp session and asyncio.gather, then renders async_api/requests.html (listing 9.12).
Listing 9.14 — The sync_to_async view: blocking sleeps moved off the event loop; with
thread_sensitive=True they share one thread and run one after another, with False they overlap.
Listing 9.15 — Calling asynchronous code from a synchronous view: requests_view_sync runs
make_requests through async_to_sync; the requests inside still run concurrently.

Try them with the project served by `uvicorn async_views.asgi:application` (port 8000) and the
www.example.com stand-in running (`python -m util.tools.example_site_server`):
    /requests/?url=http://127.0.0.1:8765&request_num=10
    /requests/sync_to_async?sleep_time=1&num_calls=3&thread_sensitive=True   (about 3 s)
    /requests/sync_to_async?sleep_time=1&num_calls=3&thread_sensitive=False  (about 1 s)
    /requests/async_to_sync?url=http://127.0.0.1:8765&request_num=10

Differs from the book: "time" is the whole elapsed time in microseconds; the book took the
timedelta's microseconds component, which drops whole seconds (a 1.2 s request showed 200000).
"""
import asyncio
from datetime import datetime, timedelta
from functools import partial

import aiohttp
from aiohttp import ClientSession
from asgiref.sync import async_to_sync, sync_to_async
from django.http import HttpResponse
from django.shortcuts import render

# Listing 9.11 — A Django asynchronous view


async def get_url_details(session: ClientSession, url: str):
    start_time = datetime.now()
    response = await session.get(url)
    response_body = await response.text()
    end_time = datetime.now()
    return {'status': response.status,
            'time': (end_time - start_time) // timedelta(microseconds=1),
            'body_length': len(response_body)}


async def make_requests(url: str, request_num: int):
    async with aiohttp.ClientSession() as session:
        requests = [get_url_details(session, url) for _ in range(request_num)]
        results = await asyncio.gather(*requests, return_exceptions=True)
        failed_results = [str(result) for result in results if isinstance(result, Exception)]
        successful_results = [result for result in results
                              if not isinstance(result, Exception)]
        return {'failed_results': failed_results, 'successful_results': successful_results}


async def requests_view(request):
    url: str = request.GET['url']
    request_num: int = int(request.GET['request_num'])
    context = await make_requests(url, request_num)
    return render(request, 'async_api/requests.html', context)


# Listing 9.14 — The sync_to_async view


def sleep(seconds: int):
    import time
    time.sleep(seconds)


async def sync_to_async_view(request):
    sleep_time: int = int(request.GET['sleep_time'])
    num_calls: int = int(request.GET['num_calls'])
    thread_sensitive: bool = request.GET['thread_sensitive'] == 'True'
    function = sync_to_async(partial(sleep, sleep_time), thread_sensitive=thread_sensitive)
    await asyncio.gather(*[function() for _ in range(num_calls)])
    return HttpResponse('')


# Listing 9.15 — Calling asynchronous code from a synchronous view


def requests_view_sync(request):
    url: str = request.GET['url']
    request_num: int = int(request.GET['request_num'])
    context = async_to_sync(partial(make_requests, url, request_num))()
    return render(request, 'async_api/requests.html', context)
