"""Issue 7, point 8: the back office (Django admin) is no side door.

A system-administrator grant makes staff, never a superuser; the admin shows only the
regions the administrator manages; grants, account changes, certificates and token
revocations go through the audited services; tokens are read-only; the national superuser
is made only from the command line.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from silvercare.accounts.models import RoleGrant, User
from silvercare.accounts.services import grant_remove, token_create, token_revoke, user_create
from silvercare.assessments.models import AssessmentPolicy
from silvercare.audit.models import AuditAction, AuditEvent
from silvercare.audit.services import AuditContext, audit_record
from silvercare.common.errors import DomainError
from silvercare.common.testing import (
    COMMUNITY_A1,
    COMMUNITY_LUOHU,
    PASSWORD,
    STREET_A,
    STREET_LUOHU,
    client_for,
    make_user,
)
from silvercare.training.models import Qualification as AssessorQualification

pytestmark = pytest.mark.django_db
CITY = "440300000000"


@pytest.fixture
def office(regions: None) -> dict[str, Any]:
    """A street-level system administrator of street A and the people around them."""
    admin = make_user("system_admin", STREET_A, "street_admin")
    colleague = make_user("community_worker", STREET_A, "street_colleague")
    luohu = make_user("community_worker", STREET_LUOHU, "luohu_worker")
    both = make_user("community_worker", STREET_A, "works_in_both")
    RoleGrant.objects.create(user=both, role="caregiver", region_id=STREET_LUOHU)
    return {
        "admin": admin,
        "client": client_for(admin),
        "colleague": colleague,
        "luohu": luohu,
        "both": both,
    }


def national_superuser() -> User:
    call_command("createuser", "national_root", "--superuser", "--password", PASSWORD)
    return User.objects.get(username="national_root")


def change_user(
    client: Client,
    user: User,
    *,
    shown: list[RoleGrant],
    new: tuple[tuple[str, str], ...] = (),
    delete: tuple[RoleGrant, ...] = (),
    is_active: bool = True,
) -> Any:
    """POST the user's change page as the admin form sends it (grants inline)."""
    data: dict[str, Any] = {
        "display_name": user.display_name,
        "first_name": "",
        "last_name": "",
        "email": "",
        "grants-TOTAL_FORMS": str(len(shown) + len(new)),
        "grants-INITIAL_FORMS": str(len(shown)),
        "grants-MIN_NUM_FORMS": "0",
        "grants-MAX_NUM_FORMS": "1000",
    }
    if is_active:
        data["is_active"] = "on"
    for i, grant in enumerate(shown):
        data[f"grants-{i}-id"] = str(grant.pk)
        data[f"grants-{i}-user"] = str(user.pk)
        if grant in delete:
            data[f"grants-{i}-DELETE"] = "on"
    for j, (role, region) in enumerate(new, start=len(shown)):
        data[f"grants-{j}-user"] = str(user.pk)
        data[f"grants-{j}-role"] = role
        data[f"grants-{j}-region"] = region
    return client.post(f"/admin/accounts/user/{user.pk}/change/", data)


def test_a_system_admin_grant_makes_staff_not_superuser(office: dict[str, Any]) -> None:
    admin = office["admin"]
    assert admin.is_staff and not admin.is_superuser
    root = national_superuser()
    grant_remove(ctx=AuditContext(actor=root), grant=admin.grants.get())
    admin.refresh_from_db()
    assert not admin.is_staff and not admin.is_superuser
    # The back office answers a staff administrator, and nobody else.
    assert office["client"].get("/admin/").status_code == 302  # no longer staff
    fresh = client_for(make_user("system_admin", STREET_A))
    index = fresh.get("/admin/")
    assert index.status_code == 200
    assert "/admin/accounts/user/" in index.content.decode()
    assert client_for(office["colleague"]).get("/admin/").status_code == 302


def test_the_national_superuser_comes_only_from_the_command_line(regions: None) -> None:
    root = national_superuser()
    assert root.is_superuser and root.is_staff and not root.grants.exists()
    assert AuditEvent.objects.filter(summary="user national_root (superuser)").exists()
    with pytest.raises(CommandError):
        call_command("createuser", "nobody", "--password", PASSWORD)
    with pytest.raises(DomainError) as refused:
        user_create(
            ctx=AuditContext(actor=root),
            username="escalated",
            password=PASSWORD,
            superuser=True,
        )
    assert refused.value.status == 403
    assert not User.objects.filter(username="escalated").exists()


def test_the_admin_lists_only_users_of_the_admins_regions(office: dict[str, Any]) -> None:
    client = office["client"]
    page = client.get("/admin/accounts/user/").content.decode()
    assert "street_colleague" in page and "works_in_both" in page
    assert "luohu_worker" not in page
    hidden = client.get(f"/admin/accounts/user/{office['luohu'].pk}/change/")
    assert hidden.status_code == 302  # "does not exist", like a missing user
    assert client.get(f"/admin/accounts/user/{office['luohu'].pk}/password/").status_code == 404
    # The national superuser sees every region.
    everyone = client_for(national_superuser()).get("/admin/accounts/user/").content.decode()
    assert "luohu_worker" in everyone


def test_a_street_admin_cannot_grant_itself_the_city(office: dict[str, Any]) -> None:
    admin = office["admin"]
    own = list(admin.grants.all())
    refused = change_user(office["client"], admin, shown=own, new=(("system_admin", CITY),))
    assert refused.status_code == 200  # the form comes back with the error
    assert sorted(admin.grants.values_list("region_id", flat=True)) == [STREET_A]
    outside = change_user(
        office["client"], office["colleague"], shown=[], new=(("caregiver", COMMUNITY_LUOHU),)
    )
    assert outside.status_code == 200
    assert office["colleague"].grants.count() == 1
    # The same form inside the street goes through: the refusal above is the region's.
    inside = change_user(office["client"], admin, shown=own, new=(("caregiver", COMMUNITY_A1),))
    assert inside.status_code == 302
    assert sorted(admin.grants.values_list("region_id", flat=True)) == [STREET_A, COMMUNITY_A1]
    admin.refresh_from_db()
    assert not admin.is_superuser


def test_grants_go_through_the_audited_services(office: dict[str, Any]) -> None:
    colleague = office["colleague"]
    shown = list(colleague.grants.all())
    added = change_user(
        office["client"], colleague, shown=shown, new=(("caregiver", COMMUNITY_A1),)
    )
    assert added.status_code == 302
    assert colleague.grants.filter(role="caregiver", region_id=COMMUNITY_A1).exists()
    event = AuditEvent.objects.get(summary=f"grant caregiver @ {COMMUNITY_A1}")
    assert (event.actor, event.via, event.entity_id) == (
        office["admin"],
        "admin",
        str(colleague.pk),
    )

    shown = list(colleague.grants.all())
    caregiver = colleague.grants.get(role="caregiver")
    removed = change_user(office["client"], colleague, shown=shown, delete=(caregiver,))
    assert removed.status_code == 302
    assert not colleague.grants.filter(role="caregiver").exists()
    assert AuditEvent.objects.filter(
        summary=f"revoke caregiver @ {COMMUNITY_A1}", actor=office["admin"], via="admin"
    ).exists()


def test_account_changes_are_audited_and_only_for_users_fully_in_scope(
    office: dict[str, Any],
) -> None:
    client, colleague, both = office["client"], office["colleague"], office["both"]
    # Someone who also works in Luohu: the account itself is read-only here.
    change_user(client, both, shown=list(both.grants.filter(region_id=STREET_A)), is_active=False)
    both.refresh_from_db()
    assert both.is_active
    assert client.get(f"/admin/accounts/user/{both.pk}/password/").status_code == 403

    assert change_user(client, colleague, shown=list(colleague.grants.all()), is_active=False)[
        "Location"
    ].endswith("/admin/accounts/user/")
    colleague.refresh_from_db()
    assert not colleague.is_active
    event = AuditEvent.objects.get(entity_type="user", entity_id=str(colleague.pk), via="admin")
    assert event.changes == {"is_active": [True, False]}

    new_password = "Reset-by-admin-2026"
    reset = client.post(
        f"/admin/accounts/user/{colleague.pk}/password/",
        {"password1": new_password, "password2": new_password, "usable_password": "true"},
    )
    assert reset.status_code == 302
    colleague.refresh_from_db()
    assert colleague.check_password(new_password)
    assert AuditEvent.objects.filter(
        entity_id=str(colleague.pk), summary="user street_colleague: password set", via="admin"
    ).exists()


def test_api_tokens_are_read_only_and_revoked_through_the_service(
    office: dict[str, Any],
) -> None:
    colleague, luohu = office["colleague"], office["luohu"]
    revoked, _raw = token_create(ctx=AuditContext(actor=colleague), name="old")
    token_revoke(ctx=AuditContext(actor=colleague), token_id=revoked.pk)
    active, _raw = token_create(ctx=AuditContext(actor=colleague), name="live")
    elsewhere, _raw = token_create(ctx=AuditContext(actor=luohu), name="luohu-token")
    root_client = client_for(national_superuser())
    for client in (office["client"], root_client):
        # No un-revoking and no moving to another user, not even for the superuser.
        tampered = client.post(
            f"/admin/accounts/apitoken/{revoked.pk}/change/",
            {
                "name": "old",
                "user": str(office["admin"].pk),
                "revoked_at_0": "",
                "revoked_at_1": "",
            },
        )
        assert tampered.status_code == 403
        assert client.get("/admin/accounts/apitoken/add/").status_code == 403
    revoked.refresh_from_db()
    assert revoked.revoked_at is not None and revoked.user == colleague

    listing = office["client"].get("/admin/accounts/apitoken/").content.decode()
    assert "live" in listing and "luohu-token" not in listing
    response = office["client"].post(
        "/admin/accounts/apitoken/",
        {"action": "revoke", "_selected_action": [str(active.pk), str(elsewhere.pk)]},
    )
    assert response.status_code == 302
    active.refresh_from_db()
    elsewhere.refresh_from_db()
    assert active.revoked_at is not None
    assert elsewhere.revoked_at is None  # outside the admin's regions: untouched
    assert AuditEvent.objects.filter(
        action=AuditAction.TOKEN, entity_id=str(active.pk), actor=office["admin"], via="admin"
    ).exists()


def test_audit_events_are_shown_only_in_scope(office: dict[str, Any]) -> None:
    ctx = AuditContext(actor=None, via="test")
    for code, summary in ((COMMUNITY_A1, "street-a-event"), (COMMUNITY_LUOHU, "luohu-event")):
        audit_record(
            ctx=ctx,
            action="update",
            entity_type="elder",
            entity_id="1",
            region_code=code,
            summary=summary,
        )
    audit_record(ctx=ctx, action="update", entity_type="user", entity_id="1", summary="no-region")
    page = office["client"].get("/admin/audit/auditevent/?q=event").content.decode()
    assert "street-a-event" in page and "luohu-event" not in page
    luohu_row = AuditEvent.objects.get(summary="luohu-event")
    assert (
        office["client"].get(f"/admin/audit/auditevent/{luohu_row.pk}/change/").status_code == 302
    )
    everything = client_for(national_superuser()).get("/admin/audit/auditevent/").content.decode()
    assert "luohu-event" in everything and "no-region" in everything


def test_certificates_and_policies_only_for_the_admins_regions(office: dict[str, Any]) -> None:
    client = office["client"]
    luohu_assessor = make_user("assessor", STREET_LUOHU, "luohu_assessor")
    street_assessor = make_user("assessor", STREET_A, "street_assessor")
    certificate = {"kind": "assessor", "number": "SZ-1", "valid_from": "2026-01-01"}
    refused = client.post(
        "/admin/training/qualification/add/",
        {**certificate, "user": str(luohu_assessor.pk)},
    )
    assert refused.status_code == 200
    assert not AssessorQualification.objects.exists()
    added = client.post(
        "/admin/training/qualification/add/",
        {**certificate, "user": str(street_assessor.pk)},
    )
    assert added.status_code == 302
    assert AssessorQualification.objects.get().user == street_assessor
    assert AuditEvent.objects.filter(summary="qualification SZ-1", via="admin").exists()
    assert AssessorQualification.objects.get().valid_from == dt.date(2026, 1, 1)

    policy = {
        "reassessment_months": "6",
        "coma_level": "4",
        "risk_event_threshold": "2",
        "risk_event_counting": "sum",
    }
    for region in (CITY, STREET_LUOHU):
        outside = client.post(
            "/admin/assessments/assessmentpolicy/add/", {**policy, "region": region}
        )
        assert outside.status_code == 200
    assert not AssessmentPolicy.objects.exists()
    inside = client.post("/admin/assessments/assessmentpolicy/add/", {**policy, "region": STREET_A})
    assert inside.status_code == 302
    assert AssessmentPolicy.objects.get().region_id == STREET_A


def test_the_region_lookup_offers_only_the_admins_regions(office: dict[str, Any]) -> None:
    client = office["client"]
    popup = client.get("/admin/regions/region/?_to_field=code&_popup=1")
    assert popup.status_code == 200
    page = popup.content.decode()
    assert STREET_A in page and COMMUNITY_A1 in page
    assert STREET_LUOHU not in page and CITY not in page
    # Looking up is all: the division table is changed only by the national superuser.
    assert client.get(f"/admin/regions/region/{STREET_A}/change/").status_code == 200
    assert client.post(f"/admin/regions/region/{STREET_A}/change/", {}).status_code == 403
