#!/usr/bin/env python
"""Django's command-line utility for administrative tasks.

The book's async_views project (section 9.4): run every command from this folder, e.g.
`python manage.py check`, `python manage.py runserver` (Django's WSGI development server on
127.0.0.1:8000), or serve it with an ASGI server as the book does:
`uvicorn async_views.asgi:application`.
"""
import os
import sys


def main():
    """Run administrative tasks."""
    os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'async_views.settings')
    try:
        from django.core.management import execute_from_command_line
    except ImportError as exc:
        raise ImportError(
            "Couldn't import Django. Are you sure it's installed and "
            "available on your PYTHONPATH environment variable? Did you "
            "forget to activate a virtual environment?"
        ) from exc
    execute_from_command_line(sys.argv)


if __name__ == '__main__':
    main()
