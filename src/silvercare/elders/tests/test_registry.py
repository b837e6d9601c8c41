import datetime as dt

import pytest
from django.test import Client

from silvercare.audit.models import AuditEvent
from silvercare.audit.services import AuditContext
from silvercare.common import crypto
from silvercare.common.errors import DomainError, ValidationFailed
from silvercare.common.testing import (
    COMMUNITY_A1,
    COMMUNITY_A2,
    COMMUNITY_B1,
    COMMUNITY_LUOHU,
    STREET_A,
    client_for,
    id_number,
    make_elder,
    make_user,
    wrong_check_digit,
)
from silvercare.elders import error_codes as codes
from silvercare.elders.models import Elder
from silvercare.elders.selectors import ElderFilters, elder_search
from silvercare.elders.services import consent_record, contact_add, elder_reveal, elder_update

pytestmark = pytest.mark.django_db


def test_personal_fields_are_encrypted_at_rest(worker) -> None:  # type: ignore[no-untyped-def]
    number = id_number()
    elder = make_elder(worker, id_number=number, phone="13912345678", address="园岭1栋")
    row = Elder.objects.values("id_number_enc", "phone_enc", "address_enc").get(pk=elder.pk)
    for stored in row.values():
        assert number not in stored and "13912345678" not in stored and "园岭" not in stored
    assert crypto.decrypt(row["id_number_enc"], purpose="elder.id_number") == number
    assert elder.id_number_masked == number[:2] + "*" * 15 + number[-1:]


def test_same_id_cannot_be_registered_twice(worker, other_worker) -> None:  # type: ignore[no-untyped-def]
    number = id_number()
    first = make_elder(worker, id_number=number)
    with pytest.raises(ValidationFailed) as seen:
        make_elder(worker, COMMUNITY_A2, id_number=number.lower())
    error = seen.value.errors[0]
    assert error.code == codes.ID_DUPLICATE
    assert error.params == {"existing_id": str(first.pk)}
    # Someone who cannot see the existing record is told it exists, not where.
    with pytest.raises(ValidationFailed) as hidden:
        make_elder(other_worker, COMMUNITY_LUOHU, id_number=number)
    assert hidden.value.errors[0].code == codes.ID_DUPLICATE
    assert hidden.value.errors[0].params == {}
    assert Elder.objects.count() == 1


def test_cannot_register_outside_own_area(worker) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationFailed) as seen:
        make_elder(worker, COMMUNITY_LUOHU)
    assert seen.value.errors[0].code == codes.REGION_OUT_OF_SCOPE
    with pytest.raises(ValidationFailed) as street:
        make_elder(worker, STREET_A)
    assert street.value.errors[0].code == codes.REGION_NOT_COMMUNITY
    assert not Elder.objects.exists()


def test_update_is_audited_with_masked_diff(worker) -> None:  # type: ignore[no-untyped-def]
    elder = make_elder(worker, phone="13800138000")
    ctx = AuditContext(actor=worker, ip_address="10.0.0.9")
    elder_update(
        ctx=ctx,
        elder=elder,
        changes={"phone": "13900139000", "status": "deceased", "status_date": dt.date(2026, 1, 2)},
    )
    event = AuditEvent.objects.filter(action="update", entity_id=str(elder.pk)).get()
    assert event.changes["phone"] == ["138****8000", "139****9000"]
    assert event.changes["status"] == ["active", "deceased"]
    assert event.actor == worker
    assert event.region_code == COMMUNITY_A1
    assert "13900139000" not in str(event.changes)
    created = AuditEvent.objects.get(action="create", entity_id=str(elder.pk))
    assert created.changes["id_number"][1] == elder.id_number_masked


def test_failed_update_changes_nothing(worker) -> None:  # type: ignore[no-untyped-def]
    elder = make_elder(worker, name="原名")
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed):
        elder_update(
            ctx=AuditContext(actor=worker), elder=elder, changes={"name": "新名", "phone": "12"}
        )
    elder.refresh_from_db()
    assert elder.name == "原名"
    assert AuditEvent.objects.count() == before


def test_moving_an_elder_needs_rights_in_both_places(worker) -> None:  # type: ignore[no-untyped-def]
    elder = make_elder(worker)
    with pytest.raises(ValidationFailed):
        elder_update(
            ctx=AuditContext(actor=worker), elder=elder, changes={"region_code": COMMUNITY_B1}
        )
    elder.refresh_from_db()
    assert elder.region_id == COMMUNITY_A1


def test_reveal_is_audited_and_role_limited(worker, regions) -> None:  # type: ignore[no-untyped-def]
    elder = make_elder(worker, phone="13700137000")
    contact_add(
        ctx=AuditContext(actor=worker),
        elder=elder,
        values={"name": "王小明", "relationship": "child", "phone": "13600136000"},
    )
    revealed = elder_reveal(ctx=AuditContext(actor=worker), elder=elder)
    assert revealed["phone"] == "13700137000"
    assert revealed["contacts"][0]["phone"] == "13600136000"
    assert AuditEvent.objects.filter(action="view_pii", entity_id=str(elder.pk)).count() == 1
    caregiver = make_user("caregiver", STREET_A)
    with pytest.raises(DomainError) as denied:
        elder_reveal(ctx=AuditContext(actor=caregiver), elder=elder)
    assert denied.value.status == 403
    assert AuditEvent.objects.filter(action="view_pii").count() == 1


def test_consent_history_keeps_every_decision(worker) -> None:  # type: ignore[no-untyped-def]
    elder = make_elder(worker)
    ctx = AuditContext(actor=worker)
    consent_record(ctx=ctx, elder=elder, purpose="monitoring", granted=True)
    consent_record(ctx=ctx, elder=elder, purpose="monitoring", granted=False, note="家属要求")
    body = client_for(worker).get(f"/api/v1/elders/{elder.pk}").json()
    assert body["consents"] == [
        {
            "purpose": "monitoring",
            "granted": False,
            "recorded_at": body["consents"][0]["recorded_at"],
        }
    ]
    assert elder.consent_events.count() == 2


def test_search_filters(worker) -> None:  # type: ignore[no-untyped-def]
    old = make_elder(
        worker,
        name="王秀英",
        id_number=id_number(dt.date(1936, 5, 1)),
        categories={"disabled"},
        phone="13511112222",
    )
    young = make_elder(
        worker,
        COMMUNITY_A2,
        name="李建国",
        id_number=id_number(dt.date(1960, 1, 1)),
        living_situation="alone",
    )
    gone = make_elder(worker, name="王建", id_number=id_number(dt.date(1950, 1, 1)))
    elder_update(ctx=AuditContext(actor=worker), elder=gone, changes={"status": "moved_out"})

    def names(**kw: object) -> list[str]:
        return [e.name for e in elder_search(actor=worker, filters=ElderFilters(**kw))]  # type: ignore[arg-type]

    assert names(q="王") == ["王建", "王秀英"]
    assert names(q="wxy") == ["王秀英"]
    assert names(q="WJ") == ["王建"]
    number = crypto.decrypt(old.id_number_enc, purpose="elder.id_number")
    assert names(q=number) == ["王秀英"]
    assert names(q="135 1111 2222") == ["王秀英"]
    assert names(category="advanced_age") == ["王秀英"]
    assert names(category="disabled") == ["王秀英"]
    assert names(category="living_alone") == ["李建国"]
    assert names(region=COMMUNITY_A2) == ["李建国"]
    assert names(status="moved_out") == ["王建"]
    assert names(age_min=70, age_max=79) == ["王建"]
    assert names(sort="-age") == ["王秀英", "王建", "李建国"]
    assert young.pk


def test_list_and_detail_pages(worker) -> None:  # type: ignore[no-untyped-def]
    elder = make_elder(worker, name="赵桂兰")
    client = client_for(worker)
    page = client.get("/elders/?q=赵").content.decode()
    assert "赵桂兰" in page and elder.id_number_masked in page
    detail = client.get(f"/elders/{elder.pk}/").content.decode()
    assert elder.id_number_masked in detail
    number = crypto.decrypt(elder.id_number_enc, purpose="elder.id_number")
    assert number not in detail
    revealed = client.post(f"/elders/{elder.pk}/reveal/").content.decode()
    assert number in revealed
    assert AuditEvent.objects.filter(action="view_pii", actor=worker).count() == 1
    history = client.get(f"/elders/{elder.pk}/audit/").content.decode()
    assert "worker_a" in history


def test_form_shows_inline_errors_and_saves_nothing(worker) -> None:  # type: ignore[no-untyped-def]
    client = client_for(worker)
    bad = wrong_check_digit(id_number())
    response = client.post(
        "/elders/new/",
        {
            "name": "钱多多",
            "id_number": bad,
            "region_code": COMMUNITY_A1,
            "hukou_type": "local_urban",
            "living_situation": "spouse",
        },
    )
    assert response.status_code == 422
    assert 'id="id_id_number_error"' in response.content.decode()
    assert not Elder.objects.exists()
    good = client.post(
        "/elders/new/",
        {
            "name": "钱多多",
            "id_number": id_number(),
            "region_code": COMMUNITY_A1,
            "hukou_type": "local_urban",
            "living_situation": "spouse",
            "categories": ["disabled"],
        },
    )
    assert good.status_code == 302
    assert Elder.objects.get().is_disabled


def test_caregiver_sees_masked_and_cannot_edit(worker) -> None:  # type: ignore[no-untyped-def]
    elder = make_elder(worker)
    caregiver = make_user("caregiver", STREET_A)
    client = client_for(caregiver)
    assert client.get(f"/elders/{elder.pk}/").status_code == 200
    assert client.get(f"/elders/{elder.pk}/edit/").status_code == 404
    assert client.post(f"/elders/{elder.pk}/reveal/").status_code == 403
    api = client.get(f"/api/v1/elders/{elder.pk}?reveal=true")
    assert api.status_code == 403
    assert api.json()["code"] == "permission_denied"
    assert client.get("/elders/new/").status_code == 404


def test_anonymous_is_sent_to_login() -> None:
    response = Client().get("/elders/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
