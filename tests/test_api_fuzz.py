"""Schemathesis generates requests from the OpenAPI document (valid and invalid) and
checks that the API never answers 5xx — malformed input must be a 4xx problem.

Random path ids only ever reach "not found", so every operation with path parameters is
also driven with the ids of real records the fuzzing user may act on (an elder with a
contact, an assessment the user performs, a second token, a community), and ids inside
bodies are swapped for real ones half of the time. The answers endpoint and token creation
get bodies built from the instrument's real field codes and item codes with arbitrary JSON
values (lists, objects, infinities), and expiries with and without a time zone: the deep
paths where issue 7 found 500s.

The operations are driven with Hypothesis directly (schemathesis' pytest plugin does not
yet support pytest 9's node ids)."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from silvercare.accounts.services import grant_add, token_create
from silvercare.assessments.forms_data import FIELDS
from silvercare.assessments.instruments import GBT42195
from silvercare.assessments.models import Assessment
from silvercare.assessments.services import assessment_book
from silvercare.audit.services import AuditContext
from silvercare.canteens.tests import scope_world as canteens_world
from silvercare.common.testing import COMMUNITY_A1, STREET_A, make_assessor, make_elder
from silvercare.config.wsgi import application
from silvercare.elders.services import contact_add
from silvercare.industry.tests import scope_world as industry_world
from silvercare.supervision.tests import scope_world as supervision_world

pytestmark = pytest.mark.django_db
RANDOM_IDS_EXAMPLES = 8
REAL_IDS_EXAMPLES = 20
DEEP_BODY_EXAMPLES = 50


@pytest.fixture(autouse=True)
def keep_test_connection() -> Iterator[None]:
    """Schemathesis calls the WSGI app directly; like Django's test client, keep the
    per-request connection clean-up from closing the test's transaction (PostgreSQL)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def world(regions: None) -> dict[str, Any]:
    """A user who registers, books and performs assessments in street A, with real records."""
    user = make_assessor(username="fuzzer")
    grant_add(
        ctx=AuditContext(actor=None, via="test"),
        user=user,
        role="community_worker",
        region_code=STREET_A,
        check_actor=False,
    )
    ctx = AuditContext(actor=user, via="test")
    elder = make_elder(user, name="模糊测试")
    contact = contact_add(
        ctx=ctx,
        elder=elder,
        values={"name": "联系人", "relationship": "child", "phone": "13900139000"},
    )
    assessment = assessment_book(
        ctx=ctx,
        elder=elder,
        reason="first",
        scheduled_for=timezone.localdate(),
        assessor=user,
    )
    subsidy = _subsidy_records(user, elder)
    training = _training_records(user, contact)
    adaptation = _adaptation_records(ctx, elder)
    homecare = _homecare_records(user, elder)
    rental = _rental_records(elder)
    assistive = _assistive_records(elder)
    from silvercare.alerts.services import alert_raise

    alert = alert_raise(
        elder_id=elder.pk,
        kind="sos",
        severity="critical",
        occurred_at=timezone.now(),
        reason="sos_pressed",
        params={"lat": 22.55, "lon": 114.09},
        source="test",
    )
    device = _monitoring_records(ctx, elder)
    _token, raw = token_create(ctx=ctx, name="fuzz")
    victim, _raw = token_create(ctx=ctx, name="to revoke")
    return {
        "user": user,
        "headers": {"Authorization": f"Bearer {raw}"},
        "path_ids": {
            "elder_id": str(elder.pk),
            "contact_id": contact.pk,
            "assessment_id": str(assessment.pk),
            "token_id": victim.pk,
            "code": COMMUNITY_A1,
            "alert_id": str(alert.alert_id),
            "device_id": str(device.pk),
            "section": "geofence",
            **subsidy,
            **training,
            "adaptation_case_id": adaptation["adaptation_case_id"],
            "adaptation_item_id": adaptation["adaptation_item_id"],
            **homecare,
            **rental,
            **assistive,
            **industry_world.build(user, elder),
            **supervision_world.build(user, elder),
            **canteens_world.build(user, elder),
        },
        "body_ids": {
            "elder_id": str(elder.pk),
            "assessor_id": user.pk,
            "corrects_id": str(assessment.pk),
            "programme_id": subsidy["programme_id"],
            "trade_in_id": subsidy["trade_in_id"],
            "course_id": training["course_id"],
            "assignee_id": user.pk,
            "contractor_id": adaptation["contractor_id"],
        },
        "assessment": assessment,
    }


def _monitoring_records(ctx: AuditContext, elder: Any) -> Any:
    """A watch bound to the elder, who consents to monitoring (the ingest stores its data)."""
    from silvercare.elders.services import consent_record
    from silvercare.monitoring.services import device_bind, device_register

    consent_record(ctx=ctx, elder=elder, purpose="monitoring", granted=True)
    device = device_register(ctx=ctx, serial="FUZZ-1", type="watch", region_code=COMMUNITY_A1)
    device_bind(ctx=ctx, device=device.device, elder=elder)
    return device.device


def _subsidy_records(user: Any, elder: Any) -> dict[str, Any]:
    """A street-A subsidy programme (live version and a draft), a quote and a reservation."""
    from silvercare.common.testing import make_user
    from silvercare.subsidies import services as subsidies

    officer = make_user("civil_affairs", STREET_A, "fuzz_officer")
    octx = AuditContext(actor=officer, via="test")
    subsidies.payer_create(
        ctx=octx, code="fuzz-payer", name="街道财政", kind="street_finance", region_code=STREET_A
    )
    values = subsidies.VersionValues(
        valid_from=dt.date(2020, 1, 1),
        item_kinds=["meal", "device_rental"],
        amount_rule={"type": "percentage", "percent_bp": 5000, "per": "meal"},
        budgeted=False,
        shares=[("fuzz-payer", 10000)],
    )
    programme = subsidies.programme_create(
        ctx=octx, code="fuzz-meals", name="助餐补贴", region_code=STREET_A, version=values
    )
    subsidies.version_publish(ctx=octx, version=programme.versions.get())
    draft = subsidies.version_create(ctx=octx, programme=programme, values=values)
    quote = subsidies.quote(
        actor=user,
        elder=elder,
        item=subsidies.Item(kind="meal"),
        price_fen=1000,
        on=timezone.localdate(),
    )
    [reservation] = subsidies.reserve(ctx=AuditContext(actor=user), quote=quote, units=12)
    # The ledger, a claim, a voucher batch with the elder's voucher, a trade-in.
    from silvercare.subsidies.models import Voucher

    today = timezone.localdate()
    delivery = subsidies.delivery_record(
        ctx=AuditContext(actor=user), reservation=reservation, amount_fen=100, delivered_on=today
    )
    payer = programme.versions.get(number=1).shares.get().payer
    [claim] = subsidies.claim_prepare(ctx=octx, payer=payer, month=today)
    batch = subsidies.voucher_batch_create(
        ctx=octx,
        programme=programme,
        code="fuzz-vouchers",
        name="消费券",
        region_code=STREET_A,
        face_value_fen=500,
        valid_from=today,
        expires_on=today + dt.timedelta(days=30),
        allow_partial=True,
    )
    subsidies.voucher_batch_issue(ctx=octx, batch=batch)
    trade_in = subsidies.tradein_record(
        ctx=AuditContext(actor=user),
        elder=elder,
        device_type="walker",
        brand="可孚",
        serial="FUZZ-1",
        credit_fen=100,
        received_on=today,
    )
    return {
        "programme_id": programme.pk,
        "version_id": draft.pk,
        "quote_id": str(quote.pk),
        "reservation_id": str(reservation.pk),
        "delivery_id": str(delivery.pk),
        "claim_id": str(claim.pk),
        "voucher_batch_id": batch.pk,
        "voucher_id": str(Voucher.objects.get(elder=elder).pk),
        "trade_in_id": str(trade_in.pk),
    }


def _training_records(user: Any, contact: Any) -> dict[str, Any]:
    """A street-A course, a session under way with the contact enrolled, a qualification."""
    from decimal import Decimal

    from silvercare.training import services as training

    ctx = AuditContext(actor=user, via="test")
    course = training.course_create(
        ctx=ctx, region_code=STREET_A, title="防跌倒", hours=Decimal("6"), audience="family"
    )
    start = timezone.now() - dt.timedelta(hours=1)
    session = training.session_schedule(
        ctx=ctx,
        course=course,
        region_code=COMMUNITY_A1,
        place="社区中心",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=3),
        trainer="刘芳",
        capacity=3,
    )
    enrolment = training.enrol(ctx=ctx, session=session, contact=contact)
    qualification = training.qualification_record(
        ctx=ctx,
        kind="family_caregiver",
        contact=contact,
        number="FUZZ-1",
        valid_from=dt.date(2025, 1, 1),
    )
    return {
        "course_id": str(course.pk),
        "session_id": str(session.pk),
        "enrolment_id": str(enrolment.pk),
        "qualification_id": str(qualification.pk),
    }


def _adaptation_records(ctx: AuditContext, elder: Any) -> dict[str, Any]:
    """A home-adaptation case of the elder with a plan item, and a street-A contractor."""
    from silvercare.adaptation import services as adaptation

    case = adaptation.case_open(ctx=ctx, elder=elder)
    item = adaptation.plan_item_add(ctx=ctx, case=case, code="R13", quantity=2)
    contractor = adaptation.contractor_create(ctx=ctx, region_code=STREET_A, name="适老化工程队")
    return {
        "adaptation_case_id": str(case.pk),
        "adaptation_item_id": str(item.pk),
        "contractor_id": str(contractor.pk),
    }


def _homecare_records(user: Any, elder: Any) -> dict[str, Any]:
    """A street-A care provider (the fuzzer is not its admin) with a caregiver, an order of
    the elder with its visit and a complaint, a family care bed and a day plan."""
    from silvercare.common.testing import make_user
    from silvercare.homecare import services as care
    from silvercare.homecare.models import ServiceType
    from silvercare.homecare.services import community

    officer = AuditContext(actor=make_user("civil_affairs", STREET_A, "fuzz_care_officer"))
    provider = care.provider_create(ctx=officer, name="护理站", region_code=STREET_A)
    admin = AuditContext(actor=make_user("care_provider_admin", STREET_A, "fuzz_care_admin"))
    care.provider_staff_link(ctx=officer, provider=provider, user=admin.actor)
    caregiver = care.caregiver_create(
        ctx=admin, provider=provider, name="护理员", home_lat=22.55, home_lon=114.09
    )
    day = timezone.localdate() + dt.timedelta(days=1)
    order = care.order_create(
        ctx=AuditContext(actor=user),
        elder=elder,
        service_type=ServiceType.objects.get(code="comfort"),
        provider=provider,
        first_date=day,
        window_start=540,
        window_end=720,
    )
    care.order_accept(ctx=admin, order=order)
    plan = care.plan_day(ctx=admin, provider=provider, day=day, time_limit=1)
    visit = order.visits.get()
    complaint = care.complaint_open(
        ctx=AuditContext(actor=user), visit=visit, by="family", text="投诉"
    )
    bed = community.care_bed_create(
        ctx=AuditContext(actor=user),
        elder=elder,
        provider=provider,
        contract_number="JTCW-FUZZ",
        starts_on=day,
        visits_per_month=4,
    )
    return {
        "provider_id": str(provider.pk),
        "caregiver_id": str(caregiver.pk),
        "order_id": str(order.pk),
        "visit_id": str(visit.pk),
        "complaint_id": str(complaint.pk),
        "care_bed_id": str(bed.pk),
        "plan_id": str(plan.pk),
    }


def _assistive_records(elder: Any) -> dict[str, Any]:
    """A listed product with an admission and a fitting of the elder (by a qualified
    consultant; the fuzzer, a community worker, only reads them)."""
    from silvercare.assistive import services as assistive
    from silvercare.assistive.models import Enterprise
    from silvercare.common.testing import make_user
    from silvercare.training.services import qualification_record

    curator = AuditContext(actor=make_user("civil_affairs", STREET_A, "fuzz_at_curator"))
    vendor = make_user("enterprise", STREET_A, "fuzz_at_vendor")
    enterprise = Enterprise.objects.create(name="模糊康复器械厂")
    enterprise.members.add(vendor)
    product = assistive.product_save(
        ctx=curator,
        enterprise=enterprise,
        values=assistive.ProductValues(
            brand="模糊",
            model="AT-F",
            name="手杖",
            device_type_code="12 03 03",
            specifications={"height_min_cm": 70, "height_max_cm": 90, "max_user_weight_kg": 100},
            sale_price_fen=9000,
        ),
    )
    admission = assistive.admission_apply(ctx=AuditContext(actor=vendor), product=product)
    for step in ("qualified", "reviewed", "notice"):
        admission = assistive.admission_advance(
            ctx=curator, admission=admission, to=step, reason=""
        )
    assistive.admission_advance(
        ctx=curator,
        admission=admission,
        to="listed",
        reason="",
        on=timezone.localdate() + dt.timedelta(days=30),
    )
    consultant = make_user("at_consultant", STREET_A, "fuzz_at_consultant")
    qualification_record(
        ctx=AuditContext(actor=None),
        kind="at_consultant",
        user=consultant,
        number="FUZZ-AT-1",
        valid_from=dt.date(2025, 1, 1),
        check_actor=False,
    )
    fitting = assistive.fitting_record(
        ctx=AuditContext(actor=consultant),
        elder=elder,
        values=assistive.FittingValues(
            product_id=product.pk,
            fitted_on=timezone.localdate(),
            training_elder="起坐练习",
            signed_name="模糊测试",
            signature_confirmed=True,
        ),
    )
    return {
        "product_id": str(product.pk),
        "admission_id": str(admission.pk),
        "fitting_id": str(fitting.pk),
        "day": 7,
    }


def _rental_records(elder: Any) -> dict[str, Any]:
    """A street-A rental point (the fuzzer only views it) with a unit leased to the elder,
    one in repair with an incident report, and a recall with its order."""
    from silvercare.assistive.models import DeviceType, Enterprise, Product
    from silvercare.common.testing import make_user
    from silvercare.rental import services as rental

    device_type = DeviceType.objects.get_or_create(
        code="12 06 98",
        defaults={"iso_class": "12", "level": "division", "name_zh": "助行", "name_en": "W"},
    )[0]
    product = Product.objects.create(
        enterprise=Enterprise.objects.get_or_create(name="模糊辅具厂")[0],
        brand="模糊",
        model="F-1",
        name="助行器",
        device_type=device_type,
        monthly_rent_fen=100,
        rentable=True,
    )
    ctx = AuditContext(actor=make_user("rental_operator", STREET_A, "fuzz_rental_op"))
    point = rental.point_create(
        ctx=ctx, name="租赁点", kind="street", region_code=STREET_A, operator="运营"
    )
    unit = rental.unit_register(ctx=ctx, point=point, product=product, serial="FZ-1")
    spare = rental.unit_register(ctx=ctx, point=point, product=product, serial="FZ-2")
    lease = rental.lease_open(
        ctx=ctx, elder=elder, unit=unit, starts_on=timezone.localdate(), months=2
    )
    repair = rental.repair_open(ctx=ctx, unit=spare, fault="刹车")
    incident = rental.incident_report(
        ctx=ctx,
        unit=unit,
        kind="malfunction",
        severity="minor",
        occurred_on=timezone.localdate(),
        description="刹车松动",
    )
    officer = AuditContext(actor=make_user("civil_affairs", "440304000000", "fuzz_rental_off"))
    recall = rental.recall_create(
        ctx=officer, product=product, region_code="440304000000", reference="FZ-R", reason="锁扣"
    )
    return {
        "unit_id": unit.pk,
        "lease_id": str(lease.pk),
        "recall_id": recall.pk,
        "recall_order_id": recall.orders.get(unit=unit).pk,
        "repair_id": repair.pk,
        "incident_id": str(incident.pk),
    }


JSON_LEAVES = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**64), max_value=2**64)
    | st.floats()  # includes ±inf (numbers beyond 1e308) and NaN
    | st.text(max_size=12)
    | st.sampled_from(
        [
            *sorted({o.value for f in FIELDS.values() for o in f.options}),
            *["", "²", "٣", "１", "F01.1", "2020-02-30", "-1"],
        ]
    )
)
JSON_VALUES = st.recursive(
    JSON_LEAVES,
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from([c.code for f in FIELDS.values() for c in f.children] + ["x"]),
            children,
            max_size=3,
        )
    ),
    max_leaves=8,
)
ANSWER_BODIES = st.fixed_dictionaries(
    {},
    optional={
        "items": st.dictionaries(
            st.sampled_from([i.code for i in GBT42195.items] + ["Z.9"]),
            st.none() | st.integers(min_value=-5, max_value=50) | st.floats() | st.text(max_size=3),
            max_size=5,
        ),
        "forms": st.dictionaries(
            st.sampled_from([*FIELDS, "A.4.1.icd10", "A.4.1.psychiatrist", "A.9.9"]),
            JSON_VALUES,
            max_size=5,
        ),
    },
)
TOKEN_BODIES = st.fixed_dictionaries(
    {"name": st.text(min_size=1, max_size=70)},
    optional={
        "expires_at": st.datetimes(min_value=dt.datetime(2000, 1, 1)).map(  # noqa: DTZ001
            lambda d: d.isoformat()
        )
        | st.datetimes(
            min_value=dt.datetime(2000, 1, 1),  # noqa: DTZ001
            timezones=st.sampled_from([dt.UTC, dt.timezone(dt.timedelta(hours=8))]),
        ).map(lambda d: d.isoformat())
        | st.text(max_size=25)
    },
)
DEEP_BODIES = {
    ("PUT", "/api/v1/assessments/{assessment_id}/answers"): ANSWER_BODIES,
    ("POST", "/api/v1/tokens/"): TOKEN_BODIES,
}


def _reset(assessment: Assessment) -> None:
    """Keep the assessment answerable whatever the previous request did to it."""
    Assessment.objects.filter(pk=assessment.pk).update(
        status="in_progress",
        result={},
        rules={},
        total=None,
        preliminary_level=None,
        final_level=None,
        assessor_signed_at=None,
        second_assessor_signed_at=None,
        informant_signed_at=None,
        completed_at=None,
    )


def test_api_never_answers_5xx(world: dict[str, Any]) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    failures: list[str] = []
    statuses: list[int] = []
    deep: dict[str, list[int]] = {}
    operations = 0

    def call(case: Any, label: str) -> None:
        _reset(world["assessment"])
        response = case.call(headers=world["headers"])
        if case.method == "DELETE" and "/tokens/" in case.formatted_path:
            # A random id may be the fuzzer's own token, revoked for real: carry on with a
            # new one, or every later call would only test the 401.
            _token, raw = token_create(
                ctx=AuditContext(actor=world["user"], via="test"), name="fuzz again"
            )
            world["headers"] = {"Authorization": f"Bearer {raw}"}
        statuses.append(response.status_code)
        deep.setdefault(label, []).append(response.status_code)
        if response.status_code >= 500:
            failures.append(
                f"{case.method} {case.formatted_path} {case.query} "
                f"{case.body!r} -> {response.status_code}"
            )

    def run(strategy: Any, examples: int, label: str, swap_ids: bool = False) -> None:
        @given(case=strategy, use_real=st.booleans())
        @settings(
            max_examples=examples,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def exercise(case: Any, use_real: bool) -> None:
            if swap_ids and use_real and isinstance(case.body, dict):
                case.body.update({k: v for k, v in world["body_ids"].items() if k in case.body})
            call(case, label)

        exercise()

    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        names = re.findall(r"{(\w+)}", operation.path)
        real = {name: world["path_ids"][name] for name in names}
        key = (operation.method.upper(), operation.path)
        if names:
            run(operation.as_strategy(), RANDOM_IDS_EXAMPLES, "random ids")
        run(
            operation.as_strategy(path_parameters=real or None),
            REAL_IDS_EXAMPLES,
            f"{key[0]} {key[1]}",
            swap_ids=True,
        )
        if key in DEEP_BODIES:
            cases = st.tuples(
                operation.as_strategy(path_parameters=real or None), DEEP_BODIES[key]
            ).map(lambda pair: _with_body(*pair))
            run(cases, DEEP_BODY_EXAMPLES, f"deep {key[0]} {key[1]}")
    assert operations >= 20
    assert any(200 <= code < 300 for code in statuses)  # not only rejections
    # The real ids reach past "not found": the answers endpoint saves, and refuses with 422.
    answers = deep["deep PUT /api/v1/assessments/{assessment_id}/answers"]
    assert 200 in answers and 422 in answers
    assert 201 in deep["deep POST /api/v1/tokens/"] and 422 in deep["deep POST /api/v1/tokens/"]
    assert 200 in deep["GET /api/v1/elders/{elder_id}"]
    assert failures == []


def _with_body(case: Any, body: Any) -> Any:
    # Serialised here: requests refuses infinities, and ``Infinity`` in the JSON text is
    # what a body carrying 1e999 parses to on the server (Python's json reads both as inf).
    case.body = json.dumps(body).encode()
    return case
