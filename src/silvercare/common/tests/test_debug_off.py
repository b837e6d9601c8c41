"""Issue 7, point 13: DEBUG is off unless asked for explicitly (``SILVERCARE_DEBUG=1``), never
in production, and static files are still served without it."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.test import Client

READ_DEBUG = "import django;from django.conf import settings;print(settings.DEBUG)"


def settings_debug(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "SILVERCARE_DEBUG", "SILVERCARE_ENV"}
    }
    clean["DJANGO_SETTINGS_MODULE"] = "silvercare.config.settings"
    return subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-c", READ_DEBUG],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("env", ["development", "test"])
def test_debug_is_off_by_default_in_every_environment(env: str) -> None:
    result = settings_debug(SILVERCARE_ENV=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
    # The generic variable name no longer switches it on by accident.
    assert settings_debug(SILVERCARE_ENV=env, DEBUG="1").stdout.strip() == "False"


def test_debug_only_when_asked_for_and_never_in_production() -> None:
    asked = settings_debug(SILVERCARE_ENV="development", SILVERCARE_DEBUG="1")
    assert asked.stdout.strip() == "True", asked.stderr
    production = settings_debug(
        SILVERCARE_ENV="production",
        SILVERCARE_DEBUG="1",
        SECRET_KEY="x" * 50,
        SILVERCARE_FIELD_KEYS="k1:" + "A" * 43 + "=",
        SILVERCARE_HASH_KEY="A" * 43 + "=",
    )
    assert production.returncode != 0
    assert "SILVERCARE_DEBUG must not be on" in production.stderr


def test_static_files_are_served_without_debug() -> None:
    from django.conf import settings

    assert settings.DEBUG is False
    response = Client().get("/static/silvercare/app.css")
    assert response.status_code == 200
