"""Listing 9.11 (today: the async ORM) — A Django asynchronous view

Section 9.4. Needs: nothing.

What to watch: a small brand table (SQLite in a temporary file, a throwaway Django set up in the
script) used from async code with the ORM's own async API, no sync_to_async: `acreate` adds
three brands, `aget` reads one ("Got brand Levis"), `async for` over a filter streams the
matching ones, `acount` counts them ("2 brand(s) start with S"). Calling the synchronous
`Brand.objects.get()` from the same coroutine raises SynchronousOnlyOperation, which is printed:
Django's guard against blocking the event loop. The book's views (9.11 to 9.15) use no database:
they fetch URLs with aiohttp, and 9.14 wraps a blocking time.sleep in sync_to_async, the tool
that async code needed for ORM queries before Django 4.1.

What changed: QuerySet and Manager methods prefixed with "a" (aget, acreate, acount, afirst,
aexists, aupdate, adelete, ...) and `async for` over a QuerySet; a filter is lazy, so there is no
"afilter": the query runs when the QuerySet is iterated or evaluated asynchronously.

Since: Django 4.1 (the asynchronous QuerySet interface; model asave/adelete in 4.2).

Why it is better: an async view can query the database directly, with code that reads like the
synchronous ORM, instead of moving each ORM call into a function for sync_to_async as 9.14 does
with its sleep. What to
watch out for: the database work itself still runs in a thread (Django's database drivers are
synchronous), and transactions (transaction.atomic) are not yet supported in async code; wrap
those parts with sync_to_async.
"""
import asyncio
import os
import tempfile

from util.tools.companions import refuse_older_python


def setup_django(database: str):
    import django
    from django.conf import settings

    settings.configure(DATABASES={'default': {'ENGINE': 'django.db.backends.sqlite3',
                                              'NAME': database}},
                       INSTALLED_APPS=[], USE_TZ=True)
    django.setup()

    from django.db import connection, models

    class Brand(models.Model):
        brand_name = models.CharField(max_length=255)

        class Meta:
            app_label = 'products'

    with connection.schema_editor() as editor:
        editor.create_model(Brand)
    return Brand


async def main(Brand):
    from django.core.exceptions import SynchronousOnlyOperation

    for name in ['Levis', 'Seven', 'Sorel']:
        await Brand.objects.acreate(brand_name=name)

    levis = await Brand.objects.aget(brand_name='Levis')
    print(f'Got brand {levis.brand_name}')

    async for brand in Brand.objects.filter(brand_name__startswith='S').order_by('brand_name'):
        print(f'Brand {brand.pk}: {brand.brand_name}')
    count = await Brand.objects.filter(brand_name__startswith='S').acount()
    print(f'{count} brand(s) start with S')

    try:
        Brand.objects.get(brand_name='Levis')
    except SynchronousOnlyOperation as error:
        print(f'Synchronous get() in async code: {type(error).__name__}')


if __name__ == "__main__":
    refuse_older_python("9.11_async_orm")
    with tempfile.TemporaryDirectory() as folder:
        brand_model = setup_django(os.path.join(folder, 'products.sqlite3'))
        asyncio.run(main(brand_model))
