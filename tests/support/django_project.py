"""Django set up in the test's own process for chapter 9's async_views project."""
from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from util.settings import REPO

PROJECT = REPO / "chapter_09" / "async_views"


@contextmanager
def django_set_up() -> Iterator[None]:
    """The project's settings loaded (its folder on sys.path) and Django's test environment on,
    which lets the test client's Host "testserver" in; DJANGO_SETTINGS_MODULE is set only while
    Django loads them, so other tests' subprocesses never inherit it."""
    import django
    from django.test.utils import setup_test_environment, teardown_test_environment

    if str(PROJECT) not in sys.path:
        sys.path.insert(0, str(PROJECT))
    previous = os.environ.get("DJANGO_SETTINGS_MODULE")
    os.environ["DJANGO_SETTINGS_MODULE"] = "async_views.settings"
    try:
        django.setup()
    finally:
        if previous is None:
            del os.environ["DJANGO_SETTINGS_MODULE"]
        else:
            os.environ["DJANGO_SETTINGS_MODULE"] = previous
    setup_test_environment()
    try:
        yield
    finally:
        teardown_test_environment()
