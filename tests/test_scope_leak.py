"""Walk every page and API operation as a community worker of another district and prove
that nothing of street A's elder leaks: not the name, not the masked or full ID number."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from silvercare.accounts.services import token_create
from silvercare.assessments.services import assessment_book
from silvercare.audit.services import AuditContext
from silvercare.canteens.tests import scope_world as canteens_world
from silvercare.common import crypto
from silvercare.common.testing import COMMUNITY_A1, client_for, make_assessor, make_elder
from silvercare.elders.importing import import_check
from silvercare.elders.services import contact_add
from silvercare.indicators.tests import scope_world as indicators_world
from silvercare.industry.tests import scope_world as industry_world
from silvercare.portal.tests import scope_world as portal_world
from silvercare.supervision.tests import scope_world as supervision_world

pytestmark = pytest.mark.django_db
SKIP_PREFIXES = (
    "admin/",
    "static/",
    "api/v1/",
)  # admin: staff only (tested below); API: via OpenAPI


def _walk(resolver: URLResolver, prefix: str = "") -> list[str]:
    routes = []
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            routes += _walk(entry, route)
        elif isinstance(entry, URLPattern):
            routes.append(route)
    return routes


@pytest.fixture
def secret_world(worker: Any, other_worker: Any) -> dict[str, Any]:
    elder = make_elder(worker, COMMUNITY_A1, name="绝密老人")
    ctx = AuditContext(actor=worker)
    contact = contact_add(
        ctx=ctx,
        elder=elder,
        values={"name": "绝密联系人", "relationship": "child", "phone": "13666666666"},
    )
    token, _raw = token_create(ctx=ctx, name="worker-token")
    import io

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["姓名", "身份证号", "社区代码"])
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    batch = import_check(ctx=ctx, filename="secret.xlsx", fileobj=buf)
    number = crypto.decrypt(elder.id_number_enc, purpose="elder.id_number")
    assessor = make_assessor()
    assessment = assessment_book(
        ctx=ctx, elder=elder, reason="first", scheduled_for=dt.date(2026, 1, 5), assessor=assessor
    )
    subsidy = _subsidy_world(worker, elder)
    training = _training_world(worker, contact)
    homecare = _homecare_world(worker, elder)
    adaptation = _adaptation_world(worker, elder)
    rental = _rental_world(worker, elder)
    assistive = _assistive_world(worker, elder)
    from silvercare.alerts.services import alert_raise

    alert = alert_raise(
        elder_id=elder.pk,
        kind="sos",
        severity="critical",
        occurred_at=dt.datetime(2026, 1, 5, 8, 0, tzinfo=dt.UTC),
        reason="sos_pressed",
        params={"lat": 22.55, "lon": 114.09},
        source="test",
    )
    device = _monitoring_world(worker, elder)
    worlds = {name: world.build(worker, elder) for name, world in WORLDS.items()}
    return {
        "ids": {
            "elder_id": str(elder.pk),
            "contact_id": str(contact.pk),
            "batch_id": str(batch.pk),
            "token_id": str(token.pk),
            "user_id": str(worker.pk),
            "code": COMMUNITY_A1,
            "assessment_id": str(assessment.pk),
            **subsidy,
            **training,
            **homecare,
            **adaptation,
            **rental,
            **assistive,
            **{k: v for ids in worlds.values() for k, v in ids.items()},
            "alert_id": str(alert.alert_id),
            "device_id": str(device.pk),
            "section": "device",
            "action": "submit",
        },
        "markers": [
            "SECRET-DEV-7",
            "bpm=131",
            "绝密老人",
            "绝密联系人",
            elder.id_number_masked,
            number,
            "136****6666",
            "secret.xlsx",
            assessment.number,
            "绝密补贴",
            "绝密培训",
            "JM-CERT-1",
            "绝密护理员",
            "绝密投诉",
            "绝密扶手",
            "绝密装修队",
            "绝密药片",
            "绝密租赁故障",
            "绝密验配",
            "绝密验配照片",
            "绝密需求",
            "绝密建议",
            *(marker for world in WORLDS.values() for marker in world.MARKERS),
        ],
        "outsider": client_for(other_worker),
    }


# Capabilities that keep their scope-leak records beside their own code.
WORLDS = {
    "industry": industry_world,
    "supervision": supervision_world,
    "canteens": canteens_world,
    "portal": portal_world,
    "indicators": indicators_world,  # last: its roll-ups read the others' records
}
WORLD_IDS = tuple(k for world in WORLDS.values() for k in world.IDS)

TRAINING_IDS = ("course_id", "session_id", "enrolment_id", "qualification_id", "certificate_id")


def _training_world(worker: Any, contact: Any) -> dict[str, str]:
    """A street-A course and session with the secret contact enrolled, attended, completed
    and certified, and a qualification of theirs."""
    from decimal import Decimal

    from django.utils import timezone

    from silvercare.training import services as training

    ctx = AuditContext(actor=worker)
    course = training.course_create(
        ctx=ctx, region_code=COMMUNITY_A1, title="绝密培训", hours=Decimal("4"), audience="family"
    )
    start = timezone.now() - dt.timedelta(hours=1)
    session = training.session_schedule(
        ctx=ctx,
        course=course,
        region_code=COMMUNITY_A1,
        place="绝密培训室",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        trainer="绝密培训老师",
        capacity=5,
    )
    enrolment = training.enrol(ctx=ctx, session=session, contact=contact)
    training.attendance_record(ctx=ctx, enrolment=enrolment)
    training.enrolment_complete(ctx=ctx, enrolment=enrolment)
    certificate = training.certificate_issue(ctx=ctx, enrolment=enrolment)
    qualification = training.qualification_record(
        ctx=ctx,
        kind="family_caregiver",
        contact=contact,
        number="JM-CERT-1",
        valid_from=dt.date(2025, 1, 1),
    )
    return {
        "course_id": str(course.pk),
        "session_id": str(session.pk),
        "enrolment_id": str(enrolment.pk),
        "qualification_id": str(qualification.pk),
        "certificate_id": str(certificate.pk),
    }


ADAPTATION_IDS = ("adaptation_case_id", "adaptation_item_id", "adaptation_photo_id")


def _adaptation_world(worker: Any, elder: Any) -> dict[str, str]:
    """A planned home-adaptation case of the secret elder with a photo and a contractor."""
    from silvercare.adaptation import services as adaptation
    from silvercare.adaptation.checklist import checklist

    ctx = AuditContext(actor=worker)
    case = adaptation.case_open(ctx=ctx, elder=elder)
    adaptation.checklist_record(
        ctx=ctx,
        case=case,
        answers=[adaptation.AnswerIn(q.code, "hazard") for q in checklist().questions],
    )
    item = adaptation.plan_item_add(
        ctx=ctx, case=case, name="绝密扶手", quantity=1, unit_price_fen=100
    )
    contractor = adaptation.contractor_create(
        ctx=ctx, region_code=COMMUNITY_A1[:9] + "000", name="绝密装修队"
    )
    adaptation.contractor_assign(ctx=ctx, case=case, contractor=contractor)
    adaptation.case_plan(ctx=ctx, case=case)
    photo = adaptation.photo_add(
        ctx=ctx, case=case, content=b"\x89PNG\r\n\x1a\n", stage="checklist", question="floor_slip"
    )
    return {
        "adaptation_case_id": str(case.pk),
        "adaptation_item_id": str(item.pk),
        "adaptation_photo_id": str(photo.pk),
    }


ASSISTIVE_IDS = ("admission_id", "fitting_id", "assistive_photo_id")


def _assistive_world(worker: Any, elder: Any) -> dict[str, str]:
    """A listed product fitted to the secret elder by a Futian consultant (with a declared
    need and a recommendation decision), and an admission in progress."""
    from django.utils import timezone

    from silvercare.assistive import services as assistive
    from silvercare.assistive.models import DeviceType, Enterprise
    from silvercare.common.testing import make_user
    from silvercare.training.services import qualification_record

    curator = AuditContext(actor=make_user("civil_affairs", "440304000000", "scope_at_curator"))
    vendor = make_user("enterprise", "440304000000", "scope_at_vendor")
    enterprise = Enterprise.objects.create(name="绝密康复器械厂")
    enterprise.members.add(vendor)
    product = assistive.product_save(
        ctx=curator,
        enterprise=enterprise,
        values=assistive.ProductValues(
            brand="绝密",
            model="AT-1",
            name="四脚手杖",
            device_type_code="12 03 16",
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
    consultant = make_user("at_consultant", "440304000000", "scope_at_consultant")
    qualification_record(
        ctx=AuditContext(actor=None),
        kind="at_consultant",
        user=consultant,
        number="SCOPE-AT-1",
        valid_from=dt.date(2025, 1, 1),
        check_actor=False,
    )
    cctx = AuditContext(actor=consultant)
    assistive.need_declare(ctx=cctx, elder=elder, need="fall_history", note="绝密需求")
    assistive.recommendation_decide(
        ctx=cctx,
        elder=elder,
        device_type=DeviceType.objects.get(code="22 27 18"),
        status="added",
        note="绝密建议",
    )
    fitting = assistive.fitting_record(
        ctx=cctx,
        elder=elder,
        values=assistive.FittingValues(
            product_id=product.pk,
            fitted_on=timezone.localdate(),
            training_elder="绝密验配",
            signed_name="绝密老人",
            signature_confirmed=True,
            photo=b"\x89PNG\r\n\x1a\n" + "绝密验配照片".encode(),
        ),
    )
    photo = fitting.photos.get()
    return {
        "product_id": str(product.pk),
        "admission_id": str(admission.pk),
        "fitting_id": str(fitting.pk),
        "assistive_photo_id": str(photo.pk),
        "day": "7",
    }


RENTAL_IDS = ("unit_id", "lease_id", "recall_id", "recall_order_id", "repair_id", "incident_id")


def _rental_world(worker: Any, elder: Any) -> dict[str, str]:
    """A street-A rental point with a unit leased to the secret elder, another in repair
    with an incident report, and a Futian recall with its pickup order."""
    from django.utils import timezone

    from silvercare.assistive.models import DeviceType, Enterprise, Product
    from silvercare.common.testing import STREET_A, make_user
    from silvercare.rental import services as rental

    device_type = DeviceType.objects.get_or_create(
        code="12 06 99",
        defaults={"iso_class": "12", "level": "division", "name_zh": "助行", "name_en": "W"},
    )[0]
    product = Product.objects.create(
        enterprise=Enterprise.objects.get_or_create(name="绝密辅具厂")[0],
        brand="绝密",
        model="R-1",
        name="助行器",
        device_type=device_type,
        monthly_rent_fen=100,
        rentable=True,
    )
    ctx = AuditContext(actor=make_user("rental_operator", STREET_A, "scope_rental_op"))
    point = rental.point_create(
        ctx=ctx, name="绝密租赁点", kind="street", region_code=STREET_A, operator="绝密运营"
    )
    unit = rental.unit_register(ctx=ctx, point=point, product=product, serial="SECRET-R-1")
    spare = rental.unit_register(ctx=ctx, point=point, product=product, serial="SECRET-R-2")
    lease = rental.lease_open(
        ctx=ctx, elder=elder, unit=unit, starts_on=timezone.localdate(), months=2
    )
    repair = rental.repair_open(ctx=ctx, unit=spare, fault="绝密租赁故障")
    incident = rental.incident_report(
        ctx=ctx,
        unit=unit,
        kind="injury",
        severity="minor",
        occurred_on=timezone.localdate(),
        description="绝密租赁故障",
    )
    officer = make_user("civil_affairs", "440304000000", "scope_rental_officer")
    recall = rental.recall_create(
        ctx=AuditContext(actor=officer),
        product=product,
        region_code="440304000000",
        reference="SECRET-RECALL",
        reason="绝密租赁故障",
    )
    return {
        "unit_id": str(unit.pk),
        "lease_id": str(lease.pk),
        "recall_id": str(recall.pk),
        "recall_order_id": str(recall.orders.get(unit=unit).pk),
        "repair_id": str(repair.pk),
        "incident_id": str(incident.pk),
    }


HOMECARE_IDS = (
    "provider_id",
    "caregiver_id",
    "order_id",
    "visit_id",
    "complaint_id",
    "care_bed_id",
    "plan_id",
)


def _homecare_world(worker: Any, elder: Any) -> dict[str, str]:
    """A Futian care provider with a caregiver, an accepted and planned order of the secret
    elder, a complaint about its visit, a family care bed and the day's plan."""
    from django.utils import timezone

    from silvercare.common.testing import make_user
    from silvercare.homecare import services as care
    from silvercare.homecare.models import ServiceType
    from silvercare.homecare.services import community

    officer = AuditContext(actor=make_user("civil_affairs", "440304000000", "scope_care_officer"))
    provider = care.provider_create(
        ctx=officer, name="绝密护理站", region_code="440304000000", served=["440304000000"]
    )
    admin = make_user("care_provider_admin", "440304000000", "scope_care_admin")
    care.provider_staff_link(ctx=officer, provider=provider, user=admin)
    caregiver = care.caregiver_create(
        ctx=AuditContext(actor=admin),
        provider=provider,
        name="绝密护理员",
        home_lat=22.55,
        home_lon=114.09,
        skills=["cleaning"],
    )
    day = timezone.localdate() + dt.timedelta(days=1)
    order = care.order_create(
        ctx=AuditContext(actor=worker),
        elder=elder,
        service_type=ServiceType.objects.get(code="cleaning"),
        provider=provider,
        first_date=day,
        window_start=540,
        window_end=720,
    )
    care.order_accept(ctx=AuditContext(actor=admin), order=order)
    plan = care.plan_day(ctx=AuditContext(actor=admin), provider=provider, day=day, time_limit=1)
    visit = order.visits.get()
    complaint = care.complaint_open(
        ctx=AuditContext(actor=worker), visit=visit, by="family", text="绝密投诉"
    )
    bed = community.care_bed_create(
        ctx=AuditContext(actor=worker),
        elder=elder,
        provider=provider,
        contract_number="JTCW-SECRET",
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


SUBSIDY_IDS = (
    "programme_id",
    "version_id",
    "quote_id",
    "reservation_id",
    "delivery_id",
    "claim_id",
    "voucher_batch_id",
    "voucher_id",
    "trade_in_id",
)


def _subsidy_world(worker: Any, elder: Any) -> dict[str, str]:
    """A Futian programme, a quote for the secret elder and its reservation."""
    from silvercare.common.testing import make_user
    from silvercare.subsidies import services as subsidies

    officer = make_user("civil_affairs", "440304000000", "scope_leak_officer")
    octx = AuditContext(actor=officer)
    subsidies.payer_create(
        ctx=octx,
        code="secret-payer",
        name="福田财政",
        kind="district_finance",
        region_code="440304000000",
    )
    programme = subsidies.programme_create(
        ctx=octx,
        code="secret-programme",
        name="绝密补贴",
        region_code="440304000000",
        version=subsidies.VersionValues(
            valid_from=dt.date(2020, 1, 1),
            item_kinds=["meal"],
            amount_rule={"type": "fixed", "amount_fen": 100, "per": "meal"},
            budgeted=False,
            shares=[("secret-payer", 10000)],
        ),
    )
    version = subsidies.version_publish(ctx=octx, version=programme.versions.get())
    quote = subsidies.quote(
        actor=worker,
        elder=elder,
        item=subsidies.Item(kind="meal"),
        price_fen=500,
        on=dt.date(2026, 1, 5),
    )
    [reservation] = subsidies.reserve(ctx=AuditContext(actor=worker), quote=quote)
    # The ledger and a claim, a voucher batch with the elder's voucher, a trade-in.
    from django.utils import timezone

    today = timezone.localdate()
    delivery = subsidies.delivery_record(
        ctx=AuditContext(actor=worker), reservation=reservation, amount_fen=100, delivered_on=today
    )
    payer = programme.versions.get().shares.get().payer
    [claim] = subsidies.claim_prepare(ctx=octx, payer=payer, month=today)
    batch = subsidies.voucher_batch_create(
        ctx=octx,
        programme=programme,
        code="secret-vouchers",
        name="绝密补贴消费券",
        region_code="440304000000",
        face_value_fen=500,
        valid_from=today,
        expires_on=today + dt.timedelta(days=30),
    )
    subsidies.voucher_batch_issue(ctx=octx, batch=batch)
    trade_in = subsidies.tradein_record(
        ctx=AuditContext(actor=worker),
        elder=elder,
        device_type="walker",
        brand="绝密补贴牌",
        serial="SECRET-1",
        credit_fen=100,
        received_on=today,
    )
    from silvercare.subsidies.models import Voucher

    return {
        "programme_id": str(programme.pk),
        "version_id": str(version.pk),
        "quote_id": str(quote.pk),
        "reservation_id": str(reservation.pk),
        "delivery_id": str(delivery.pk),
        "claim_id": str(claim.pk),
        "voucher_batch_id": str(batch.pk),
        "voucher_id": str(Voucher.objects.get(elder=elder).pk),
        "trade_in_id": str(trade_in.pk),
    }


def _monitoring_world(worker: Any, elder: Any) -> Any:
    """A watch bound to the secret elder (with consent) and one stored reading."""
    from django.utils import timezone

    from silvercare.elders.services import consent_record
    from silvercare.monitoring.ingest import RawMessage, ingest_batch
    from silvercare.monitoring.services import device_bind, device_register

    ctx = AuditContext(actor=worker)
    consent_record(ctx=ctx, elder=elder, purpose="monitoring", granted=True)
    device = device_register(
        ctx=ctx, serial="SECRET-DEV-7", type="watch", region_code=COMMUNITY_A1
    ).device
    device_bind(ctx=ctx, device=device, elder=elder)
    from silvercare.monitoring.services import health_profile_save

    health_profile_save(ctx=ctx, elder=elder, conditions=["copd"], medications=["绝密药片"])
    now = timezone.now().isoformat()
    payload = f'{{"kind": "hr", "id": "leak-1", "ts": "{now}", "bpm": 131}}'.encode()
    assert ingest_batch([RawMessage(serial="SECRET-DEV-7", payload=payload)]).counts["accepted"]
    return device


def _fill(route: str, ids: dict[str, str]) -> str:
    route = route.replace("^", "").replace("$", "")
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: ids[m.group(1)], route)


def _assert_clean(response: Any, markers: list[str], where: str) -> None:
    body = response.content.decode(errors="replace")
    for marker in markers:
        assert marker not in body, f"{where} leaks {marker!r}"


def test_every_page_hides_foreign_records(secret_world: dict[str, Any]) -> None:
    outsider: Client = secret_world["outsider"]
    routes = [r for r in _walk(get_resolver()) if not r.startswith(SKIP_PREFIXES)]
    assert len(routes) > 20
    checked = 0
    for route in routes:
        url = _fill(route, secret_world["ids"])
        names_foreign_record = any(
            f"<{k}" in route or f":{k}>" in route
            for k in (
                "elder_id",
                "contact_id",
                "batch_id",
                "token_id",
                "user_id",
                "assessment_id",
                "alert_id",
                "device_id",
                *SUBSIDY_IDS,
                *TRAINING_IDS,
                *HOMECARE_IDS,
                *ADAPTATION_IDS,
                *RENTAL_IDS,
                *ASSISTIVE_IDS,
                *WORLD_IDS,
            )
        )
        for method in ("get", "post"):
            response = getattr(outsider, method)(url)
            _assert_clean(response, secret_world["markers"], f"{method.upper()} {url}")
            if names_foreign_record:
                assert response.status_code in (302, 404, 405), (method, url, response.status_code)
            checked += 1
    # List pages with filters that would match the foreign elder.
    for url in [
        "/elders/?q=绝密",
        "/elders/?q=jm",
        "/elders/?region=440304",
        "/elders/export.xlsx?q=绝密",
        "/audit/",
        "/accounts/users/",
        "/alerts/",
        "/alerts/stream/",
        "/monitoring/devices/?q=SECRET",
        *indicators_world.PROBES,
    ]:
        _assert_clean(outsider.get(url), secret_world["markers"], url)
    assert checked > 40


def test_every_api_operation_hides_foreign_records(secret_world: dict[str, Any]) -> None:
    outsider: Client = secret_world["outsider"]
    doc = outsider.get("/api/v1/openapi.json").json()
    operations = 0
    for path, methods in doc["paths"].items():
        url = re.sub(r"\{(\w+)\}", lambda m: secret_world["ids"][m.group(1)], path)
        for method in methods:
            response = outsider.generic(method.upper(), url, "{}", content_type="application/json")
            _assert_clean(response, secret_world["markers"], f"{method.upper()} {url}")
            if any(
                f"{{{k}}}" in path
                for k in (
                    "elder_id",
                    "token_id",
                    "assessment_id",
                    "alert_id",
                    "device_id",
                    *SUBSIDY_IDS,
                    *TRAINING_IDS,
                    *HOMECARE_IDS,
                    *ADAPTATION_IDS,
                    *RENTAL_IDS,
                    *ASSISTIVE_IDS,
                    *WORLD_IDS,
                )
            ):
                assert response.status_code in (404, 422), (method, url, response.status_code)
            operations += 1
    for url in [
        "/api/v1/elders/?q=绝密",
        "/api/v1/elders/?region=440304",
        "/api/v1/alerts/?status=all",
        "/api/v1/monitoring/devices?q=SECRET",
        "/api/v1/regions/service-circle?lat=22.551&lon=114.091&metres=5000",
    ]:
        response = outsider.get(url)
        assert response.status_code == 200
        _assert_clean(response, secret_world["markers"], url)
    assert operations >= 9


def test_back_office_is_for_system_administrators_only(secret_world: dict[str, Any]) -> None:
    outsider: Client = secret_world["outsider"]
    response = outsider.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
