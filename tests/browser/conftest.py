"""Browser tests: Debian's Chromium, driven by Playwright, against pytest-django's live server.

The fixtures here replace pytest-playwright's ``browser`` (launch the system Chromium, never a
downloaded one) and ``base_url`` (the live server), and set the browser up like a user's in
Shenzhen (Chinese locale, China time). Every test module is marked ``browser``.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Playwright

from tests.browser.support import sign_in

# Playwright's sync API runs an asyncio event loop in the test thread; Django refuses ORM calls
# from a thread with a running loop unless told that this is safe (it is: nothing else runs).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

log = logging.getLogger(__name__)
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser(playwright: Playwright, browser_type_launch_args: dict[str, Any]) -> Iterator[Browser]:
    """Debian's Chromium, one per test session (``--headed`` / ``--slowmo`` still apply)."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium package to run these")
    launched = playwright.chromium.launch(
        executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, **browser_type_launch_args
    )
    yield launched
    launched.close()


@pytest.fixture(scope="session")
def base_url(live_server: Any) -> str:
    """Relative ``page.goto("/elders/")`` calls go to the live server."""
    return str(live_server.url)


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_context_args,
        "locale": "zh-CN",
        "timezone_id": "Asia/Shanghai",
        "viewport": {"width": 1280, "height": 900},
    }


@pytest.fixture
def page(page: Page) -> Iterator[Page]:
    """The plugin's page, failing the test on an uncaught script error. Console errors
    (e.g. CSP refusals) are logged, so they show up in a failing test's report."""
    page.set_default_timeout(10_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(f"{page.url}: {exc}"))

    def console(message: ConsoleMessage) -> None:
        if message.type == "error":
            log.warning("console error on %s: %s", page.url, message.text)

    page.on("console", console)
    yield page
    assert not errors, "uncaught script errors:\n" + "\n".join(errors)


@pytest.fixture
def login_as(page: Page) -> Callable[[Any], Page]:
    """Sign a user in through the real login form; returns the page, now on the home page."""

    def login(user: Any) -> Page:
        sign_in(page, user.username)
        return page

    return login


@pytest.fixture
def worker_page(login_as: Callable[[Any], Page], worker: Any) -> Page:
    """The street-A community worker, signed in."""
    return login_as(worker)
