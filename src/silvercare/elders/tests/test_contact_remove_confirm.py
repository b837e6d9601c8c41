"""Issue 8, point 6: removing a contact asks first. The elder's page links to a page that names
the contact; only that page's confirming POST removes them."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from silvercare.audit.models import AuditEvent
from silvercare.audit.services import AuditContext
from silvercare.common.testing import COMMUNITY_A1, STREET_A, client_for, make_elder, make_user
from silvercare.elders.models import Contact
from silvercare.elders.services import contact_add

pytestmark = pytest.mark.django_db


def zh(msgid: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(msgid)


@pytest.fixture
def setting(worker: Any) -> dict[str, Any]:
    elder = make_elder(worker, COMMUNITY_A1, name="王秀英")
    contact = contact_add(
        ctx=AuditContext(actor=worker),
        elder=elder,
        values={"name": "李建华", "relationship": "child", "phone": "13622223333"},
    )
    url = f"/elders/{elder.pk}/contacts/{contact.pk}/remove/"
    return {"worker": worker, "elder": elder, "contact": contact, "url": url}


def audit_rows() -> int:
    return AuditEvent.objects.count()


def test_the_elder_page_links_to_the_question_instead_of_removing_on_one_tap(
    setting: dict[str, Any],
) -> None:
    html = client_for(setting["worker"]).get(f"/elders/{setting['elder'].pk}/").content.decode()
    assert f'<form method="post" action="{setting["url"]}"' not in html
    assert f'href="{setting["url"]}"' in html


def test_the_question_names_the_contact_and_removes_nothing(setting: dict[str, Any]) -> None:
    before = audit_rows()
    response = client_for(setting["worker"]).get(setting["url"])

    assert response.status_code == 200
    html = response.content.decode()
    assert "李建华" in html and "王秀英" in html
    assert zh("Remove the contact") in html and zh("Keep the contact") in html
    assert Contact.objects.filter(pk=setting["contact"].pk).exists()
    assert audit_rows() == before


def test_a_post_without_the_confirmation_removes_nothing(setting: dict[str, Any]) -> None:
    """What the old one-tap button sent: it now only asks."""
    before = audit_rows()
    response = client_for(setting["worker"]).post(setting["url"])

    assert response.status_code == 200
    assert zh("Remove the contact") in response.content.decode()
    assert Contact.objects.filter(pk=setting["contact"].pk).exists()
    assert audit_rows() == before


def test_confirming_removes_the_contact_and_records_it(setting: dict[str, Any]) -> None:
    before = audit_rows()
    client = client_for(setting["worker"])
    response = client.post(setting["url"], {"confirm": "yes"})

    assert response.status_code == 302
    assert response["Location"] == f"/elders/{setting['elder'].pk}/"
    assert not Contact.objects.filter(pk=setting["contact"].pk).exists()
    assert audit_rows() == before + 1
    page = client.get(response["Location"]).content.decode()
    assert zh("The contact was removed.") in page


def test_someone_who_may_not_edit_gets_neither_the_question_nor_the_removal(
    setting: dict[str, Any],
) -> None:
    caregiver = client_for(make_user("caregiver", STREET_A))
    assert caregiver.get(setting["url"]).status_code == 403
    assert caregiver.post(setting["url"], {"confirm": "yes"}).status_code == 403
    assert Contact.objects.filter(pk=setting["contact"].pk).exists()


def test_another_elders_contact_is_not_found(setting: dict[str, Any]) -> None:
    other = make_elder(setting["worker"], COMMUNITY_A1, name="李建国")
    url = f"/elders/{other.pk}/contacts/{setting['contact'].pk}/remove/"
    client = client_for(setting["worker"])
    assert client.get(url).status_code == 404
    assert client.post(url, {"confirm": "yes"}).status_code == 404
    assert Contact.objects.filter(pk=setting["contact"].pk).exists()
