"""
ASGI config for async_views project.

It exposes the ASGI callable as a module-level variable named ``application``: serve it with
`uvicorn async_views.asgi:application` from the project folder (the book uses gunicorn with a
uvicorn worker: `gunicorn async_views.asgi:application -k uvicorn.workers.UvicornWorker`).

For more information on this file, see
https://docs.djangoproject.com/en/5.2/howto/deployment/asgi/
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'async_views.settings')

application = get_asgi_application()
