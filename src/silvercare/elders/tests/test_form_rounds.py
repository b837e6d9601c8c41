"""Issue 8, point 4: one submit reports every problem, and the summary at the top lists each
field with a link to it and takes the focus — on the registry form, the contact form and the
other forms that share the summary (booking an assessment)."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest

from silvercare.audit.models import AuditEvent
from silvercare.common import crypto
from silvercare.common.testing import (
    COMMUNITY_A1,
    client_for,
    id_number,
    make_assessor,
    make_elder,
    wrong_check_digit,
)
from silvercare.elders import error_codes as codes
from silvercare.elders.models import Elder

pytestmark = pytest.mark.django_db


def _summary(response: Any) -> str:
    """The error summary's markup (the one element that takes the focus)."""
    text = response.content.decode()
    found = re.search(r'<div class="error-summary"[^>]*>.*?</div>', text, re.S)
    assert found, "no error summary on the page"
    return found.group(0)


def _summary_links(response: Any) -> list[str]:
    return re.findall(r'<a href="#([^"]+)"', _summary(response))


def _takes_focus(response: Any) -> bool:
    opening = re.search(r'<div class="error-summary"[^>]*>', response.content.decode())
    assert opening
    tag = opening.group(0)
    return 'tabindex="-1"' in tag and "autofocus" in tag and "data-error-summary" in tag


def _registration(**values: str) -> dict[str, str]:
    return {
        "name": "钱多多",
        "id_number": id_number(),
        "phone": "13800138000",
        "region_code": COMMUNITY_A1,
        "hukou_type": "local_urban",
        "living_situation": "spouse",
        **values,
    }


def test_one_submit_reports_missing_name_wrong_check_digit_and_bad_phone(worker: Any) -> None:
    client = client_for(worker)
    response = client.post(
        "/elders/new/",
        _registration(name="", id_number=wrong_check_digit(id_number()), phone="12345"),
    )
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert set(errors) == {"name", "id_number", "phone"}
    page = html.unescape(response.content.decode())
    for field in ("name", "id_number", "phone"):
        [message] = errors[field]
        assert message in page  # at the field and in the summary
        assert f'id="id_{field}_error"' in page
    # The check digit and the phone are the registry's own checks, in the same round.
    summary = html.unescape(_summary(response))
    assert errors["id_number"][0] in summary and errors["phone"][0] in summary
    assert _summary_links(response) == ["id_name", "id_id_number", "id_phone"]
    assert _takes_focus(response)
    assert not Elder.objects.exists()


def test_the_community_and_the_id_are_checked_in_the_same_round(worker: Any) -> None:
    response = client_for(worker).post(
        "/elders/new/",
        _registration(name="", id_number="4403041945", phone="", region_code=""),
    )
    assert response.status_code == 422
    assert set(response.context["form"].errors) == {"name", "id_number", "region_code"}
    assert _summary_links(response) == ["id_name", "id_id_number", "id_region_code"]


def test_a_field_gets_one_message_not_the_form_and_the_registry_both(worker: Any) -> None:
    response = client_for(worker).post("/elders/new/", _registration(name=""))
    errors = response.context["form"].errors
    assert list(errors) == ["name"] and len(errors["name"]) == 1


def test_no_duplicate_hint_until_the_rest_of_the_row_is_valid(worker: Any) -> None:
    """Issue 7's rule stays: the duplicate-ID check runs only for an otherwise valid row."""
    existing = make_elder(worker, name="已登记")
    taken = crypto.decrypt(existing.id_number_enc, purpose="elder.id_number")
    client = client_for(worker)
    response = client.post("/elders/new/", _registration(name="", id_number=taken))
    assert response.status_code == 422
    assert set(response.context["form"].errors) == {"name"}
    assert "existing-record" not in response.content.decode()
    assert not AuditEvent.objects.filter(action="duplicate_hit").exists()
    # With the row otherwise valid, the duplicate is reported (and audited) as before.
    again = client.post("/elders/new/", _registration(id_number=taken))
    assert again.status_code == 422
    assert 'id="existing-record"' in again.content.decode()
    assert AuditEvent.objects.filter(action="duplicate_hit").count() == 1
    assert Elder.objects.count() == 1


def test_edit_reports_every_problem_at_once_and_keeps_the_record(worker: Any) -> None:
    elder = make_elder(worker, name="孙桂芳", phone="13800138000")
    client = client_for(worker)
    form = client.get(f"/elders/{elder.pk}/edit/").context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(name="", phone="999", categories=[])
    response = client.post(f"/elders/{elder.pk}/edit/", data)
    assert response.status_code == 422
    assert set(response.context["form"].errors) == {"name", "phone"}
    assert _summary_links(response) == ["id_name", "id_phone"]
    elder.refresh_from_db()
    assert elder.name == "孙桂芳"


def test_contact_form_reports_every_problem_at_once(worker: Any) -> None:
    elder = make_elder(worker)
    client = client_for(worker)
    response = client.post(
        f"/elders/{elder.pk}/contacts/",
        {"name": "", "relationship": "", "phone": "12", "priority": "1"},
    )
    # Before: a redirect with "check the fields" and nothing marked.
    assert response.status_code == 422
    errors = response.context["contact_form"].errors
    assert set(errors) == {"name", "relationship", "phone"}
    assert _summary_links(response) == ["id_name", "id_relationship", "id_phone"]
    assert _takes_focus(response)
    page = response.content.decode()
    assert "<details open><summary>" in page  # the contact form is shown, not folded away
    assert 'value="12"' in page  # nothing to retype
    assert not elder.contacts.exists()
    # A right one is added as before.
    ok = client.post(
        f"/elders/{elder.pk}/contacts/",
        {"name": "孙小明", "relationship": "child", "phone": "13900139000", "priority": "1"},
    )
    assert ok.status_code == 302
    assert elder.contacts.get().name == "孙小明"


def test_contact_phone_format_is_reported_with_the_missing_name(worker: Any) -> None:
    """The phone format is the registry's check (the form only says "required")."""
    elder = make_elder(worker)
    response = client_for(worker).post(
        f"/elders/{elder.pk}/contacts/",
        {"name": "", "relationship": "child", "phone": "12", "priority": "1"},
    )
    assert set(response.context["contact_form"].errors) == {"name", "phone"}
    [phone_error] = response.context["contact_form"].errors["phone"]
    assert phone_error == str(_phone_message())


def _phone_message() -> str:
    from silvercare.elders.validation import check_phone

    error = check_phone("12", "phone")
    assert not isinstance(error, str) and error.code == codes.PHONE_INVALID
    return str(error.message)


def test_the_booking_form_shares_the_summary(worker: Any) -> None:
    elder = make_elder(worker)
    make_assessor()
    response = client_for(worker).post(
        f"/assessments/book/{elder.pk}/", {"reason": "", "scheduled_for": "", "assessor": ""}
    )
    assert response.status_code == 422
    links = _summary_links(response)
    assert {"id_reason", "id_scheduled_for", "id_assessor"} <= set(links)
    assert _takes_focus(response)


def test_a_page_without_errors_has_no_summary(worker: Any) -> None:
    page = client_for(worker).get("/elders/new/").content.decode()
    assert "error-summary" not in page and "autofocus" not in page
