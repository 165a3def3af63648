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

Differs from the book: a missing or malformed parameter is a 400 with a short message instead
of a 500 (with DEBUG's traceback page): url must be an http(s) URL, request_num a whole number
from 1 to 1,000, sleep_time from 0 to 10 seconds, num_calls from 1 to 100, thread_sensitive True
or False. The views still fetch whatever http(s) URL they are given, from the server's side:
do not serve this project where others can reach it.

Differs from the book: "time" is the whole elapsed time in microseconds; the book took the
timedelta's microseconds component, which drops whole seconds (a 1.2 s request showed 200000).
"""
import asyncio
from datetime import datetime, timedelta
from functools import partial
from urllib.parse import urlsplit

import aiohttp
from aiohttp import ClientSession
from asgiref.sync import async_to_sync, sync_to_async
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import render

MAX_REQUESTS = 1_000
MAX_SLEEP_SECONDS = 10
MAX_CALLS = 100


class BadParameter(ValueError):
    pass


def int_parameter(request, name: str, lowest: int, highest: int) -> int:
    try:
        value = int(request.GET[name])
    except (KeyError, ValueError):
        raise BadParameter(f'{name} must be a whole number from {lowest} to {highest}') from None
    if not lowest <= value <= highest:
        raise BadParameter(f'{name} must be a whole number from {lowest} to {highest}')
    return value


def url_parameter(request) -> str:
    url = request.GET.get('url', '')
    parts = urlsplit(url)
    if parts.scheme not in ('http', 'https') or not parts.netloc:
        raise BadParameter('url must be an http:// or https:// URL')
    return url

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
    try:
        url: str = url_parameter(request)
        request_num: int = int_parameter(request, 'request_num', 1, MAX_REQUESTS)
    except BadParameter as error:
        return HttpResponseBadRequest(str(error))
    context = await make_requests(url, request_num)
    return render(request, 'async_api/requests.html', context)


# Listing 9.14 — The sync_to_async view


def sleep(seconds: int):
    import time
    time.sleep(seconds)


async def sync_to_async_view(request):
    try:
        sleep_time: int = int_parameter(request, 'sleep_time', 0, MAX_SLEEP_SECONDS)
        num_calls: int = int_parameter(request, 'num_calls', 1, MAX_CALLS)
        if request.GET.get('thread_sensitive') not in ('True', 'False'):
            raise BadParameter('thread_sensitive must be True or False')
    except BadParameter as error:
        return HttpResponseBadRequest(str(error))
    thread_sensitive: bool = request.GET['thread_sensitive'] == 'True'
    function = sync_to_async(partial(sleep, sleep_time), thread_sensitive=thread_sensitive)
    await asyncio.gather(*[function() for _ in range(num_calls)])
    return HttpResponse('')


# Listing 9.15 — Calling asynchronous code from a synchronous view


def requests_view_sync(request):
    try:
        url: str = url_parameter(request)
        request_num: int = int_parameter(request, 'request_num', 1, MAX_REQUESTS)
    except BadParameter as error:
        return HttpResponseBadRequest(str(error))
    context = async_to_sync(partial(make_requests, url, request_num))()
    return render(request, 'async_api/requests.html', context)
