"""What the elder and their family see and do: only their own elders (another elder is a
404), only what the elder consented to, consents given and withdrawn (twice: a clear
message), family let in by the elder, the help button, who read the data, the download."""

from __future__ import annotations

import json
from typing import Any

import pytest

from silvercare.alerts.selectors import alerts_of_elder
from silvercare.audit.services import AuditContext
from silvercare.common.testing import client_for
from silvercare.elders.models import ConsentEvent
from silvercare.elders.services import elder_reveal

pytestmark = pytest.mark.django_db


def test_elder_sees_own_page_and_mode_is_remembered(elder: Any, elder_account: Any) -> None:
    client = client_for(elder_account)
    page = client.get(f"/portal/elders/{elder.pk}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "陈桂芳" in body and "elder-mode" not in body
    client.post("/portal/mode/", {"on": "1", "next": f"/portal/elders/{elder.pk}/"})
    # Remembered on the account: a new session (another browser) has it on too.
    again = client_for(elder_account).get(f"/portal/elders/{elder.pk}/")
    assert 'class="portal elder-mode"' in again.content.decode()
    elder_account.portal_account.refresh_from_db()
    assert elder_account.portal_account.elder_mode is True


def test_family_sees_only_their_own_elder(
    elder: Any, other_elder: Any, daughter: Any, son: Any
) -> None:
    client = client_for(daughter)
    assert client.get(f"/portal/elders/{elder.pk}/").status_code == 200
    for path in ("", "help/", "data/", "data.json", "data.pdf"):
        response = client.get(f"/portal/elders/{other_elder.pk}/{path}")
        assert response.status_code == 404, path
        assert "赵秘密" not in response.content.decode()
    assert client.post(f"/portal/elders/{other_elder.pk}/help/").status_code == 404
    assert alerts_of_elder(elder_id=other_elder.pk) == []
    # Not linked yet: the son sees nobody.
    son_client = client_for(son)
    assert son_client.get(f"/portal/elders/{elder.pk}/").status_code == 404
    assert "陈桂芳" not in son_client.get("/portal/").content.decode()


def test_staff_without_portal_role_get_404(elder: Any, worker: Any, elder_account: Any) -> None:
    """Even the elder's own community worker has no portal page of hers."""
    client = client_for(worker)
    contact = elder.contacts.first()
    for path in (
        "",
        "help/",
        "data/",
        "data.json",
        "data.pdf",
        "consents/",
        f"family/{contact.pk}/",
        "meals/",
        f"visits/{elder.pk}/rate/",
    ):
        for method in (client.get, client.post):
            response = method(f"/portal/elders/{elder.pk}/{path}")
            assert response.status_code in (404, 405), (path, response.status_code)
            assert "陈桂芳" not in response.content.decode()
    assert client.post("/portal/mode/", {"on": "1"}).status_code == 404
    assert alerts_of_elder(elder_id=elder.pk) == []


def test_family_sees_only_what_the_elder_consented_to(elder: Any, daughter: Any) -> None:
    client = client_for(daughter)
    body = client.get(f"/portal/elders/{elder.pk}/").content.decode()
    # data_sharing is given, monitoring is not.
    assert 'id="visits-h"' in body
    assert 'id="health-h"' not in body
    ConsentEvent.objects.create(elder=elder, purpose="data_sharing", granted=False)
    body = client.get(f"/portal/elders/{elder.pk}/").content.decode()
    assert 'id="visits-h"' not in body
    assert client.get(f"/portal/elders/{elder.pk}/data/").status_code == 404
    ConsentEvent.objects.create(elder=elder, purpose="monitoring", granted=True)
    body = client.get(f"/portal/elders/{elder.pk}/").content.decode()
    assert 'id="health-h"' in body


def test_consent_withdrawn_from_the_portal_and_twice_is_clear(
    elder: Any, elder_account: Any, daughter: Any
) -> None:
    client = client_for(elder_account)
    url = f"/portal/elders/{elder.pk}/consents/"
    page = client.post(url, {"purpose": "data_sharing", "granted": "0"}, follow=True)
    assert page.status_code == 200
    assert ConsentEvent.objects.filter(elder=elder, purpose="data_sharing").count() == 2
    page = client.post(url, {"purpose": "data_sharing", "granted": "0"}, follow=True)
    text = page.content.decode()
    assert "already withdrawn" in text or "已经撤回" in text
    assert ConsentEvent.objects.filter(elder=elder, purpose="data_sharing").count() == 2
    # Withdrawn: the daughter no longer sees services.
    body = client_for(daughter).get(f"/portal/elders/{elder.pk}/").content.decode()
    assert 'id="visits-h"' not in body
    # A family member cannot change the elder's consents.
    response = client_for(daughter).post(
        url, {"purpose": "data_sharing", "granted": "1"}, follow=True
    )
    assert ConsentEvent.objects.filter(elder=elder, purpose="data_sharing").count() == 2
    assert response.status_code in (200, 404)


def test_elder_lets_a_family_member_follow(elder: Any, elder_account: Any, son: Any) -> None:
    contact = elder.contacts.get(name="李强")
    client = client_for(elder_account)
    client.post(f"/portal/elders/{elder.pk}/family/{contact.pk}/", {"allow": "1"})
    assert client_for(son).get(f"/portal/elders/{elder.pk}/").status_code == 200
    client.post(f"/portal/elders/{elder.pk}/family/{contact.pk}/", {"allow": "0"})
    assert client_for(son).get(f"/portal/elders/{elder.pk}/").status_code == 404


def test_family_member_cannot_link_others(elder: Any, daughter: Any, son: Any) -> None:
    contact = elder.contacts.get(name="李强")
    client_for(daughter).post(f"/portal/elders/{elder.pk}/family/{contact.pk}/", {"allow": "1"})
    assert client_for(son).get(f"/portal/elders/{elder.pk}/").status_code == 404


def test_help_button_confirms_then_raises_sos(elder: Any, elder_account: Any) -> None:
    client = client_for(elder_account)
    confirm = client.get(f"/portal/elders/{elder.pk}/help/")
    assert confirm.status_code == 200
    assert alerts_of_elder(elder_id=elder.pk) == []
    sent = client.post(f"/portal/elders/{elder.pk}/help/")
    assert sent.status_code == 200
    alerts = alerts_of_elder(elder_id=elder.pk)
    assert len(alerts) == 1
    assert alerts[0].kind == "sos" and alerts[0].source == "portal"
    assert alerts[0].status == "open"


def test_read_log_shows_who_read_personal_data(elder: Any, elder_account: Any, worker: Any) -> None:
    elder_reveal(ctx=AuditContext(actor=worker, via="web"), elder=elder)
    body = client_for(elder_account).get(f"/portal/elders/{elder.pk}/data/").content.decode()
    assert "worker_a" in body
    assert "Street / community worker" in body or "街道" in body


def test_download_own_data(elder: Any, elder_account: Any, daughter: Any) -> None:
    client = client_for(elder_account)
    response = client.get(f"/portal/elders/{elder.pk}/data.json")
    assert response.status_code == 200
    data = json.loads(response.content)
    assert data["record"]["name"] == "陈桂芳"
    assert {c["name"] for c in data["contacts"]} == {"李丽", "李强"}
    assert data["consents"][0]["granted"] is True
    pdf = client.get(f"/portal/elders/{elder.pk}/data.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    # Only the elder downloads their data.
    assert client_for(daughter).get(f"/portal/elders/{elder.pk}/data.json").status_code == 404
