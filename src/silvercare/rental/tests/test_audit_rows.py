"""Rental's audit rows read as sentences in the reader's language (audit.vocabulary):
codes as their labels, amounts in yuan, and a link to the record."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from silvercare.audit.models import AuditEvent
from silvercare.audit.services import AuditContext, audit_record
from silvercare.common.testing import client_for
from silvercare.rental import services

pytestmark = pytest.mark.django_db


def _text(response: Any) -> str:
    assert response.status_code == 200
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_a_units_history_reads_in_chinese_and_english(
    ctx: AuditContext, make_unit: Callable[..., Any], officer: Any
) -> None:
    unit = make_unit("SZ-AUD-1")
    services.repair_open(ctx=ctx, unit=unit, fault="刹车松动")
    services.cleaning_record(ctx=ctx, unit=unit, method="steam", agent="含氯消毒液")
    chinese = _text(client_for(officer).get("/audit/"))
    assert "辅具租赁：送修：刹车松动" in chinese
    assert "器具 SZ-AUD-1 已清洗消毒（蒸汽消毒，含氯消毒液）" in chinese
    assert "器具 SZ-AUD-1 入库登记" in chinese
    for raw in ("repair", "steam", "unit SZ", "registered"):
        assert raw not in chinese, raw
    english = Client(HTTP_ACCEPT_LANGUAGE="en")
    english.force_login(officer)
    text = _text(english.get("/audit/"))
    assert "Device rental: Unit SZ-AUD-1 cleaned (Steam, 含氯消毒液)" in text
    # The stored summary stays English for logs and exports.
    assert AuditEvent.objects.filter(summary="Unit SZ-AUD-1 registered").exists()
    page = client_for(officer).get("/audit/").content.decode()
    assert f'href="/rental/units/{unit.pk}/"' in page


def test_a_message_that_does_not_fit_its_parameters_shows_the_stored_summary(
    officer: Any,
) -> None:
    audit_record(
        ctx=AuditContext(actor=officer),
        action="update",
        entity_type="rental",
        entity_id="unit:1",
        region_code="440304000000",
        message="Unit %(serial)s registered",
        params={},
        summary="unit 7 registered (old row)",
    )
    assert "unit 7 registered (old row)" in _text(client_for(officer).get("/audit/"))


def test_the_quote_of_a_device_whose_code_holds_spaces_reads_in_chinese() -> None:
    from django.utils import translation

    from silvercare.subsidies.presenters import AuditNames, audit_event_view

    with translation.override("zh-hans"):
        view = audit_event_view(
            kind="subsidies.quote",
            action="create",
            entity_id="1",
            summary="device_rental:12 06 06 5000 fen, elder pays 1000",
            changes={},
            regions=str,
            names=AuditNames(),
        )
    assert view is not None
    shown = " ".join(f"{label} {value}" for label, value in view.lines)
    assert "12 06 06" in shown and "50" in shown and "device_rental" not in shown
