"""Fitting (验配): only a consultant with a qualification on file records one; measurements,
training and signature; follow-ups at 7 and 30 days; ``fitting_on_file`` is the gate the
rental capability asks before leasing a product that requires fitting."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from silvercare.assistive import services
from silvercare.assistive.selectors import fitting_on_file
from silvercare.assistive.tests.conftest import ctx
from silvercare.audit.models import AuditEvent
from silvercare.common.errors import DomainError, ValidationFailed
from silvercare.common.testing import client_for, make_elder, make_user


def fitting_values(product: Any, **overrides: Any) -> services.FittingValues:
    data: dict[str, Any] = {
        "product_id": product.pk,
        "fitted_on": timezone.localdate(),
        "training_elder": "起坐、转弯与刹车练习 20 分钟",
        "training_family": "女儿学会折叠与推行",
        "signed_name": "王秀英",
        "signature_confirmed": True,
        "measurements": {"hip_width_cm": "42", "height_cm": 158},
        "adjustments": "脚踏调低 2 cm",
    }
    data.update(overrides)
    return services.FittingValues(**data)


def test_the_gate_answers_for_product_and_device_type(
    elder: Any, consultant: Any, make_listed: Any, worker: Any
) -> None:
    wheelchair = make_listed(requires_fitting=True)
    sibling = make_listed(model="KF-W101")  # same device type
    cane = make_listed(
        model="C-1",
        name="手杖",
        device_type_code="12 03 03",
        specifications={"height_min_cm": 70, "height_max_cm": 90, "max_user_weight_kg": 100},
    )
    assert not fitting_on_file(elder_id=elder.pk, product_id=wheelchair.pk)
    services.fitting_record(ctx=ctx(consultant), elder=elder, values=fitting_values(wheelchair))
    assert fitting_on_file(elder_id=elder.pk, product_id=wheelchair.pk)
    assert fitting_on_file(elder_id=elder.pk, product_id=sibling.pk)
    assert not fitting_on_file(elder_id=elder.pk, product_id=cane.pk)
    other = make_elder(worker, name="李建国")
    assert not fitting_on_file(elder_id=other.pk, product_id=wheelchair.pk)
    assert not fitting_on_file(elder_id=elder.pk, product_id="not-a-uuid")


def test_a_fitting_schedules_follow_ups_and_is_audited(
    elder: Any, consultant: Any, make_listed: Any
) -> None:
    product = make_listed()
    fitting = services.fitting_record(
        ctx=ctx(consultant), elder=elder, values=fitting_values(product)
    )
    assert fitting.measurements == {"hip_width_cm": 42.0, "height_cm": 158.0}
    today = timezone.localdate()
    ups = list(fitting.follow_ups.values_list("day", "due_on"))
    assert ups == [(7, today + dt.timedelta(days=7)), (30, today + dt.timedelta(days=30))]
    assert AuditEvent.objects.filter(entity_id=str(fitting.pk)).count() == 1
    week = fitting.follow_ups.get(day=7)
    services.followup_record(ctx=ctx(consultant), follow_up=week, outcome="in_use", note="良好")
    week.refresh_from_db()
    assert (week.done_on, week.outcome) == (today, "in_use")
    with pytest.raises(DomainError) as twice:
        services.followup_record(ctx=ctx(consultant), follow_up=week, outcome="in_use")
    assert twice.value.code == "followup_done"


def test_without_a_qualification_on_file_no_fitting(
    elder: Any, unqualified_consultant: Any, make_listed: Any
) -> None:
    product = make_listed()
    with pytest.raises(DomainError) as refused:
        services.fitting_record(
            ctx=ctx(unqualified_consultant), elder=elder, values=fitting_values(product)
        )
    assert refused.value.code == "consultant_not_qualified"
    assert not fitting_on_file(elder_id=elder.pk, product_id=product.pk)


def test_role_and_area_are_required(elder: Any, worker: Any, make_listed: Any) -> None:
    product = make_listed()
    with pytest.raises(DomainError) as denied:
        services.fitting_record(ctx=ctx(worker), elder=elder, values=fitting_values(product))
    assert denied.value.status == 403
    luohu = make_user("at_consultant", "440303000000", "luohu_consultant")
    with pytest.raises(DomainError):
        services.fitting_record(ctx=ctx(luohu), elder=elder, values=fitting_values(product))
    # The Luohu consultant does not even see the Futian elder's fittings page.
    assert client_for(luohu).get(f"/assistive/elders/{elder.pk}/fittings/new/").status_code == 404


def test_bad_fitting_input_is_refused_field_by_field(
    elder: Any, consultant: Any, make_listed: Any, curator: Any, enterprise: Any
) -> None:
    product = make_listed()
    with pytest.raises(ValidationFailed) as bad:
        services.fitting_record(
            ctx=ctx(consultant),
            elder=elder,
            values=fitting_values(
                product,
                signature_confirmed=False,
                signed_name="",
                training_elder="",
                fitted_on=timezone.localdate() + dt.timedelta(days=1),
                measurements={"height_cm": "tall"},
            ),
        )
    assert {e.field for e in bad.value.errors} == {
        "signature_confirmed",
        "signed_name",
        "training_elder",
        "fitted_on",
        "measurements.height_cm",
    }
    from silvercare.assistive.tests.conftest import values

    draft = services.product_save(
        ctx=ctx(curator), enterprise=enterprise, values=values(model="DRAFT-1")
    )
    with pytest.raises(ValidationFailed) as unlisted:
        services.fitting_record(ctx=ctx(consultant), elder=elder, values=fitting_values(draft))
    assert unlisted.value.errors[0].code == "product_not_listed"


def test_fitting_through_the_page_and_api(elder: Any, consultant: Any, make_listed: Any) -> None:
    product = make_listed()
    client = client_for(consultant)
    assert client.get(f"/assistive/elders/{elder.pk}/fittings/new/").status_code == 200
    response = client.post(
        f"/assistive/elders/{elder.pk}/fittings/new/",
        {
            "product": str(product.pk),
            "fitted_on": timezone.localdate().isoformat(),
            "training_elder": "起坐练习",
            "signed_name": "王秀英",
            "signature_confirmed": "on",
            "m_hip_width_cm": "41",
        },
    )
    assert response.status_code == 302
    assert fitting_on_file(elder_id=elder.pk, product_id=product.pk)
    detail = client.get(response["Location"])
    assert detail.status_code == 200 and "起坐练习" in detail.content.decode()
    api = client.get(f"/api/v1/assistive/elders/{elder.pk}/fittings")
    assert api.status_code == 200 and api.json()[0]["measurements"] == {"hip_width_cm": 41.0}
    fitting_id = api.json()[0]["id"]
    done = client.post(
        f"/api/v1/assistive/fittings/{fitting_id}/follow-ups/7",
        {"outcome": "adjusted", "note": "调高扶手"},
        content_type="application/json",
    )
    assert done.status_code == 200 and done.json()["follow_ups"][0]["outcome"] == "adjusted"
    assert client.post(
        f"/api/v1/assistive/fittings/{fitting_id}/follow-ups/99999999999999999999",
        {"outcome": "adjusted"},
        content_type="application/json",
    ).status_code in (404, 422)


def test_the_indicators_count_disabled_elders_fitted_with_a_device(
    elder: Any, worker: Any, consultant: Any, make_listed: Any
) -> None:
    from silvercare.assistive.selectors import fitted_elder_ids
    from silvercare.elders.models import Elder
    from silvercare.elders.selectors import disabled_facts

    product = make_listed()
    disabled_unfitted = make_elder(worker, elder.region_id)
    intact_fitted = make_elder(worker, elder.region_id)
    Elder.objects.filter(pk__in=[elder.pk, disabled_unfitted.pk]).update(ability_level=3)
    Elder.objects.filter(pk=intact_fitted.pk).update(ability_level=0)
    for fitted in (elder, intact_fitted):
        services.fitting_record(ctx=ctx(consultant), elder=fitted, values=fitting_values(product))
    today = timezone.localdate()
    facts = disabled_facts(until=today, with_ids=fitted_elder_ids(until=today))
    assert facts == {elder.region_id: {"disabled": 2, "disabled_with": 1}}
    yesterday = today - dt.timedelta(days=1)
    assert disabled_facts(until=today, with_ids=fitted_elder_ids(until=yesterday)) == {
        elder.region_id: {"disabled": 2, "disabled_with": 0}
    }
