"""Listing 9.13 — The async_api/urls.py file

Section 9.4. /requests/ is the asynchronous view (9.11), /requests/sync_to_async the blocking
sleeps moved to threads (9.14), /requests/async_to_sync the synchronous view calling async code
(9.15). No trailing slash on the last two: /requests/sync_to_async/ is a 404.
"""
from django.urls import path

from . import views

app_name = 'async_api'

urlpatterns = [
    path('', views.requests_view, name='requests'),
    path('sync_to_async', views.sync_to_async_view),
    path('async_to_sync', views.requests_view_sync)
]
