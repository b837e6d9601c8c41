"""Schemathesis generates requests from the OpenAPI document (valid and invalid) and
checks that the API never answers 5xx — malformed input must be a 4xx problem.

The operations are driven with Hypothesis directly (schemathesis' pytest plugin does not
yet support pytest 9's node ids)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings

from silvercare.accounts.services import token_create
from silvercare.audit.services import AuditContext
from silvercare.common.testing import make_elder
from silvercare.config.wsgi import application

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def keep_test_connection() -> Iterator[None]:
    """Schemathesis calls the WSGI app directly; like Django's test client, keep the
    per-request connection clean-up from closing the test's transaction (PostgreSQL)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_api_never_answers_5xx(worker: Any) -> None:
    make_elder(worker, name="模糊测试")
    _token, raw = token_create(ctx=AuditContext(actor=worker), name="fuzz")
    headers = {"Authorization": f"Bearer {raw}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    failures: list[str] = []
    statuses: list[int] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @settings(
            max_examples=40, deadline=None, database=None, suppress_health_check=list(HealthCheck)
        )
        def exercise(case: Any) -> None:
            response = case.call(headers=headers)
            statuses.append(response.status_code)
            if response.status_code >= 500:
                failures.append(
                    f"{case.method} {case.formatted_path} {case.query} "
                    f"{case.body!r} -> {response.status_code}"
                )

        exercise()
    assert operations >= 9
    assert len(statuses) >= operations * 10
    assert any(200 <= code < 300 for code in statuses)  # not only rejections
    assert failures == []
