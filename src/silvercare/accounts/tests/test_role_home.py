"""Issue 8, point 8: every role lands somewhere useful. The home page says, per role held,
what the role does here, what it can use today, what is coming and whom to ask meanwhile."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from silvercare.accounts.role_homes import ROLE_HOMES
from silvercare.accounts.roles import Role
from silvercare.common.testing import STREET_A, client_for, make_user

pytestmark = pytest.mark.django_db
SHENZHEN = "440300000000"


def zh(text: object) -> str:
    """What the Chinese page shows for a lazy label or a msgid."""
    with translation.override("zh-hans"):
        return translation.gettext(text) if isinstance(text, str) else str(text)


def section(html: str, role: str) -> str:
    found = re.search(rf'<section class="role-home" id="role-{role}".*?</section>', html, re.S)
    assert found, f"no home section for {role}"
    return found.group(0)


@pytest.mark.parametrize(
    ("role", "region"),
    [("enterprise", SHENZHEN), ("inspector", SHENZHEN), ("elder_family", "440304001001")],
)
def test_a_role_without_pages_yet_is_told_what_is_coming_and_whom_to_ask(
    regions: None, role: str, region: str
) -> None:
    user = make_user(role, region)
    html = client_for(user).get("/").content.decode()

    home = ROLE_HOMES[role]
    assert home.upcoming and home.contact is not None
    shown = section(html, role)
    assert zh(Role(role).label) in shown
    assert zh(home.summary) in shown
    for item in home.upcoming:
        assert f"<li>{zh(item)}</li>" in shown
    assert zh(home.contact) in shown
    heading = "What you will be able to do here"
    assert zh(heading) != heading and zh(heading) in shown


def test_a_street_worker_sees_their_own_section_only_with_links_that_work(
    worker: object,
) -> None:
    client = client_for(worker)  # type: ignore[arg-type]
    html = client.get("/").content.decode()

    shown = section(html, "community_worker")
    links = re.findall(r'href="([^"]+)"', shown)
    assert links == ["/assessments/due/", "/assessments/", "/training/"]
    assert all(client.get(link).status_code == 200 for link in links)
    assert 'id="role-enterprise"' not in html
    assert 'id="role-inspector"' not in html


def test_a_user_with_two_roles_gets_both_sections_in_role_order(regions: None) -> None:
    from silvercare.accounts.services import grant_add
    from silvercare.audit.services import AuditContext

    user = make_user("inspector", SHENZHEN)
    grant_add(
        ctx=AuditContext(actor=None),
        user=user,
        role="community_worker",
        region_code=STREET_A,
        check_actor=False,
    )
    html = client_for(user).get("/").content.decode()
    assert html.index('id="role-community_worker"') < html.index('id="role-inspector"')


def test_every_role_has_a_home() -> None:
    assert set(ROLE_HOMES) == set(Role)
    for role, home in ROLE_HOMES.items():
        # A role with nothing to use yet always says what is coming and whom to ask.
        if not home.available:
            assert home.upcoming and home.contact is not None, role
