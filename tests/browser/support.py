"""Helpers for the browser tests: signing in, the UI text a user sees, axe-core reports."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import translation
from playwright.sync_api import Page, expect

from silvercare.common.testing import PASSWORD

DEFAULT_LANGUAGE = "zh-hans"


def ui_text(msgid: str, language: str = DEFAULT_LANGUAGE, **params: Any) -> str:
    """What the UI shows for a message in ``language``: the translation once the catalogue
    has one, else the English source. Assertions follow translations as they land."""
    with translation.override(language):
        text = translation.gettext(msgid)
    return text % params if params else text


def ui_ntext(
    singular: str, plural: str, count: int, language: str = DEFAULT_LANGUAGE, **params: Any
) -> str:
    with translation.override(language):
        text = translation.ngettext(singular, plural, count)
    return text % {"counter": count, **params}


def chinese_catalogue() -> Path:
    return Path(settings.LOCALE_PATHS[0]) / "zh_Hans" / "LC_MESSAGES" / "django.po"


def has_cjk(text: str) -> bool:
    return re.search(r"[\u4e00-\u9fff]", text) is not None


def submit_login(page: Page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.get_by_role("main").get_by_role("button", name=ui_text("Sign in")).click()


def sign_in(page: Page, username: str, password: str = PASSWORD) -> None:
    """Sign in through the real form and land on the home page."""
    submit_login(page, username, password)
    expect(page).to_have_url(re.compile(r"^https?://[^/]+/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(username)


def axe_blocking(violations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [v for v in violations if v.get("impact") in {"serious", "critical"}]


def axe_report(where: str, violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{where}: {v['id']} ({v['impact']}) {v['help']} — {v['helpUrl']}")
        for node in v["nodes"]:
            target = " ".join(str(t) for t in node["target"])
            lines.append(f"    {target}: {node.get('html', '')[:200]}")
            summary = node.get("failureSummary")
            if summary:
                lines.append("      " + summary.replace("\n", "\n      "))
    return "\n".join(lines)
