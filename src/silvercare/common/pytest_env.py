"""Pytest plugin (loaded with ``-p`` before Django's settings): tests run as SILVERCARE_ENV=test
(tasks run immediately, fast password hashing), whatever the shell says."""

import os

os.environ["SILVERCARE_ENV"] = "test"
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API in live tests
