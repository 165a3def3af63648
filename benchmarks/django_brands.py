"""The book's /brands endpoint as a Django async view, for the web-server benchmark:
`uvicorn benchmarks.django_brands:application`.

The book's Django project (chapter_09/async_views, listings 9.11-9.15) has no /brands view and
keeps SQLite; this is the smallest Django project serving listing 9.2's query over asyncpg from
an async view (settings in code, no ORM), so that Django under uvicorn serves what aiohttp,
Starlette and Flask serve. It is the benchmark's, not a listing.
"""
import asyncio

import asyncpg
import django
from django.conf import settings as django_settings
from django.http import JsonResponse
from django.urls import path

from util import settings

_pool = None
_lock = asyncio.Lock()  # the first requests arrive together: one pool, not one each


async def brands(request):
    global _pool
    async with _lock:
        if _pool is None:
            _pool = await asyncpg.create_pool(host=settings.POSTGRES_HOST,
                                              port=settings.POSTGRES_PORT,
                                              user=settings.POSTGRES_USER,
                                              password=settings.POSTGRES_PASSWORD,
                                              database=settings.PRODUCTS_DB, min_size=6,
                                              max_size=6)
    results = await _pool.fetch('SELECT brand_id, brand_name FROM brand')
    return JsonResponse([dict(brand) for brand in results], safe=False)


urlpatterns = [path("brands", brands)]

django_settings.configure(DEBUG=False, ROOT_URLCONF=__name__, ALLOWED_HOSTS=["*"],
                          SECRET_KEY="benchmarks-only", MIDDLEWARE=[], INSTALLED_APPS=[])
django.setup()

from django.core.asgi import get_asgi_application  # noqa: E402

application = get_asgi_application()
