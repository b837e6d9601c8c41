"""The registries: credit codes checked by their check character, facilities' beds, scope
of officers by district and of enterprise users by membership."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation
from stdnum.cn import uscc

from silvercare.common.errors import DomainError, ValidationFailed
from silvercare.common.testing import STREET_A, STREET_LUOHU
from silvercare.industry import selectors, services
from silvercare.industry.models import Enterprise, Facility, IndustryCategory
from silvercare.industry.tests.conftest import credit_code, ctx_of

pytestmark = pytest.mark.django_db

VALID = "91110000600037341L"


def test_stdnum_agrees_with_the_sample_codes() -> None:
    assert uscc.is_valid(VALID)
    assert not uscc.is_valid(VALID[:-1] + "M")
    assert services.credit_code_check(VALID)[1] is None
    assert services.credit_code_check(" 9111 0000 6000 3734 1l ")[0] == VALID


@pytest.mark.parametrize(
    ("code", "message"),
    [
        (VALID[:-1] + "M", "check character"),
        (VALID[:-1] + "0", "check character"),
        ("91110000600037341", "18 digits"),
        ("9111000060003734IL", "18 digits"),  # I is not in the code's alphabet
        ("AB110000600037341L", "18 digits"),
    ],
)
def test_invalid_credit_code_is_refused_on_its_field(
    futian_officer: Any, code: str, message: str
) -> None:
    with pytest.raises(ValidationFailed) as caught, translation.override("en"):
        services.enterprise_register(
            ctx=ctx_of(futian_officer), credit_code=code, name="某公司", region_code=STREET_A
        )
    [error] = caught.value.errors
    assert error.field == "credit_code"
    assert error.code == "credit_code_invalid"
    assert message in str(error.message)
    assert Enterprise.objects.count() == 0


def test_credit_code_is_unique(futian_officer: Any, enterprise: Any) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.enterprise_register(
            ctx=ctx_of(futian_officer),
            credit_code=enterprise.credit_code,
            name="另一家",
            region_code=STREET_A,
        )
    assert caught.value.errors[0].code == "credit_code_taken"


def test_enterprise_user_registers_own_enterprise_and_becomes_member(member: Any) -> None:
    found = services.enterprise_register(
        ctx=ctx_of(member), credit_code=credit_code(7), name="自报企业", region_code=STREET_A
    )
    assert list(found.members.all()) == [member]
    assert list(selectors.enterprises_visible(member)) == [found]


def test_shipped_classification_has_twelve_divisions(db: None) -> None:
    assert IndustryCategory.objects.filter(level=1).count() == 12
    assert IndustryCategory.objects.get(code="1220").parent_id == "122"
    assert IndustryCategory.objects.get(code="0232").name == "老年康复辅具配置服务"


def test_nursing_beds_over_beds_refused(futian_officer: Any) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.facility_register(
            ctx=ctx_of(futian_officer),
            kind="institution",
            name="超床位院",
            region_code=STREET_A,
            beds=10,
            nursing_beds=11,
        )
    assert [(e.field, e.code) for e in caught.value.errors] == [
        ("nursing_beds", "nursing_beds_exceed_beds")
    ]
    assert Facility.objects.count() == 0


def test_facility_register_needs_the_perm_over_the_area(luohu_officer: Any) -> None:
    with pytest.raises(DomainError) as caught:
        services.facility_register(
            ctx=ctx_of(luohu_officer), kind="canteen", name="长者饭堂", region_code=STREET_A
        )
    assert caught.value.status == 403


def test_district_officer_sees_only_their_district(
    futian_officer: Any,
    luohu_officer: Any,
    enterprise: Any,
    luohu_enterprise: Any,
    institution: Any,
    city_officer: Any,
) -> None:
    assert list(selectors.enterprises_visible(futian_officer)) == [enterprise]
    assert list(selectors.enterprises_visible(luohu_officer)) == [luohu_enterprise]
    assert set(selectors.enterprises_visible(city_officer)) == {enterprise, luohu_enterprise}
    assert list(selectors.facilities_visible(luohu_officer)) == []
    with pytest.raises(DomainError):
        selectors.enterprise_get_for(actor=luohu_officer, id=enterprise.pk)
    with pytest.raises(DomainError):
        selectors.facility_get_for(actor=luohu_officer, id=institution.pk)


def test_enterprise_user_sees_only_own_enterprise(
    member: Any, outsider_member: Any, enterprise: Any, luohu_enterprise: Any, institution: Any
) -> None:
    assert list(selectors.enterprises_visible(member)) == [enterprise]
    assert list(selectors.facilities_visible(member)) == [institution]
    assert list(selectors.enterprises_visible(outsider_member)) == []
    with pytest.raises(DomainError):
        selectors.enterprise_get_for(actor=member, id=luohu_enterprise.pk)


def test_inspection_targets_are_plain_and_ordered(
    enterprise: Any, luohu_enterprise: Any, institution: Any
) -> None:
    targets = selectors.inspection_targets(
        region_code="440304000000", kinds=("enterprise", "institution")
    )
    assert [(t.kind, t.name) for t in targets] == [
        ("enterprise", enterprise.name),
        ("institution", institution.name),
    ]
    assert targets[0].region_code == STREET_A
    assert selectors.inspection_targets(region_code=STREET_LUOHU, kinds=("enterprise",))[
        0
    ].id == str(luohu_enterprise.pk)


def test_tier_expiry_must_follow_grant(futian_officer: Any, enterprise: Any) -> None:
    import datetime as dt

    with pytest.raises(ValidationFailed) as caught:
        services.tier_grant(
            ctx=ctx_of(futian_officer),
            enterprise=enterprise,
            tier="specialised",
            granted_on=dt.date(2025, 1, 1),
            expires_on=dt.date(2024, 1, 1),
        )
    assert caught.value.errors[0].field == "expires_on"
    row = services.tier_grant(
        ctx=ctx_of(futian_officer),
        enterprise=enterprise,
        tier="specialised",
        granted_on=dt.date(2025, 1, 1),
        expires_on=dt.date(2028, 1, 1),
    )
    assert row.get_tier_display().startswith("Specialised") or "专精特新" in row.get_tier_display()
