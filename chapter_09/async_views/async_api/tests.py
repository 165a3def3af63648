from django.test import TestCase  # noqa: F401

# Create your tests here. (The project's tests of these views are in tests/test_chapter_09.py.)
