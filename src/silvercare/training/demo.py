"""Demo training data across the demo city: three courses, past and coming sessions (with
attendance, completions, certificates and a waiting list), and qualifications of staff and
family caregivers in every street, some about to expire and some expired. Idempotent."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.utils import timezone

from silvercare.audit.services import AuditContext
from silvercare.training import services
from silvercare.training.models import Course, Qualification

SEED = 2026_17
ISSUER = "深圳市民政局（演示）"


def demo_assessor_qualification(assessor: Any) -> None:
    """The demo assessor's certificate (without it nobody could book them)."""
    if Qualification.objects.filter(kind="assessor", user=assessor).exists():
        return
    services.qualification_record(
        ctx=AuditContext(actor=None, via="command"),
        kind="assessor",
        user=assessor,
        number="深评字2024第0001号",
        issued_by=ISSUER,
        valid_from=dt.date(2024, 1, 1),
        check_actor=False,
    )


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def seed_demo() -> dict[str, int]:
    """Build the demo training data once (nothing happens when a course exists)."""
    from silvercare.accounts.models import User
    from silvercare.elders.models import Contact

    if Course.objects.exists():
        return {"courses": 0, "qualifications": 0}
    rng = random.Random(SEED)  # noqa: S311 - deterministic demo data, not a secret
    today = timezone.localdate()
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=[
                "community_worker",
                "care_provider_admin",
                "civil_affairs",
                "assessor_2",
                "at_consultant",
                "caregiver",
            ]
        )
    }
    if len(users) < 6:
        return {"courses": 0, "qualifications": 0}
    worker = AuditContext(actor=users["community_worker"], via="command")
    provider = AuditContext(actor=users["care_provider_admin"], via="command")
    officer = AuditContext(actor=users["civil_affairs"], via="command")
    system = AuditContext(actor=None, via="command")

    family = services.course_create(
        ctx=worker,
        region_code="440304001000",
        title="居家转移与防跌倒",
        hours=Decimal("12"),
        audience="family",
        curriculum=(
            "1. 居家环境跌倒风险排查\n2. 床椅转移与助行器使用\n3. 跌倒后的应对与求助\n4. 实操考核"
        ),
        leads_to="family_caregiver",
        certificate_months=24,
    )
    care = services.course_create(
        ctx=provider,
        region_code="440304000000",
        title="养老护理员（五级）培训",
        hours=Decimal("80"),
        audience="staff",
        curriculum="职业道德、基础护理、生活照料、安全防护、理论与实操考核",
        leads_to="caregiver",
        leads_to_level=5,
        certificate_months=36,
    )
    services.course_create(
        ctx=officer,
        region_code="440300000000",
        title="康复辅助器具适配咨询入门",
        hours=Decimal("40"),
        audience="staff",
        curriculum="辅具分类与评估、适配流程、租赁与补贴政策、案例实操",
        leads_to="at_consultant",
        certificate_months=36,
    )
    # Family members of elders in the worker's street, for the family course.
    contacts = list(
        Contact.objects.filter(elder__region__code__startswith="440304001", elder__status="active")
        .select_related("elder")
        .order_by("elder__name_sort", "id")[:14]
    )
    past = services.session_schedule(
        ctx=worker,
        course=family,
        region_code="440304001001",
        place="华富社区党群服务中心二楼活动室",
        starts_at=_at(today - dt.timedelta(days=10), 9),
        ends_at=_at(today - dt.timedelta(days=10), 16),
        trainer="刘芳（康复治疗师）",
        capacity=8,
    )
    coming = services.session_schedule(
        ctx=worker,
        course=family,
        region_code="440304001002",
        place="莲花社区长者服务站",
        starts_at=_at(today + dt.timedelta(days=7), 14),
        ends_at=_at(today + dt.timedelta(days=7), 17),
        trainer="刘芳（康复治疗师）",
        capacity=4,
    )
    services.session_schedule(
        ctx=provider,
        course=care,
        region_code="440304000000",
        place="福田区养老服务指导中心培训室",
        starts_at=_at(today + dt.timedelta(days=14), 9),
        ends_at=_at(today + dt.timedelta(days=18), 17),
        trainer="张敏（高级护师）",
        capacity=30,
    )
    for index, contact in enumerate(contacts[:6]):
        enrolment = services.enrol(ctx=worker, session=past, contact=contact)
        if index < 5:
            enrolment = services.attendance_record(ctx=worker, enrolment=enrolment)
            enrolment = services.enrolment_complete(ctx=worker, enrolment=enrolment)
            if index < 4:
                services.certificate_issue(ctx=worker, enrolment=enrolment)
    for index, contact in enumerate(contacts[6:12]):
        services.enrol(ctx=worker, session=coming, contact=contact, waitlist=index >= 4)

    # Staff qualifications of the demo users; two expire within 60 days.
    staff = [
        (
            "assessor_2",
            "assessor",
            None,
            "深评字2023第0117号",
            today - dt.timedelta(days=700),
            today + dt.timedelta(days=30),
            "福田区长者评估中心",
        ),
        (
            "at_consultant",
            "at_consultant",
            None,
            "深辅字2024第0031号",
            dt.date(2024, 3, 1),
            today + dt.timedelta(days=400),
            "深圳市康复辅具中心",
        ),
        (
            "caregiver",
            "caregiver",
            4,
            "4403042021000562",
            today - dt.timedelta(days=1080),
            today + dt.timedelta(days=20),
            "福田区颐康居家养老服务中心",
        ),
        (
            "care_provider_admin",
            "nurse",
            None,
            "201944030400221",
            dt.date(2019, 7, 1),
            today - dt.timedelta(days=15),
            "福田区颐康居家养老服务中心",
        ),
    ]
    made = 0
    for username, kind, level, number, start, end, employer in staff:
        services.qualification_record(
            ctx=system,
            kind=kind,
            level=level,
            user=users[username],
            number=number,
            issued_by=ISSUER,
            valid_from=start,
            valid_until=end,
            employer=employer,
            check_actor=False,
        )
        made += 1
    # Family members holding caregiver certificates in every street of the city.
    streets = sorted(
        {code[:9] for code in Contact.objects.values_list("elder__region_id", flat=True)[:20000]}
    )
    taken = {c.pk for c in contacts[:6]}
    for street in streets:
        pool = list(
            Contact.objects.filter(elder__region__code__startswith=street)
            .exclude(pk__in=taken)
            .select_related("elder")
            .order_by("id")[:3]
        )
        for offset, contact in enumerate(pool):
            roll = rng.random()
            start = today - dt.timedelta(days=rng.randint(200, 1000))
            if roll < 0.15:
                end = today + dt.timedelta(days=rng.randint(5, 55))  # about to expire
            elif roll < 0.25:
                end = today - dt.timedelta(days=rng.randint(5, 50))  # expired
            else:
                end = today + dt.timedelta(days=rng.randint(120, 900))
            services.qualification_record(
                ctx=system,
                kind="caregiver",
                level=rng.choice([5, 5, 4, 3]),
                contact=contact,
                number=f"{street}{offset + 1:04d}",
                issued_by="广东省人力资源和社会保障厅（演示）",
                valid_from=start,
                valid_until=end,
                employer="家庭照护",
                check_actor=False,
            )
            made += 1
    services.reminders_send(on=today)
    return {"courses": 3, "qualifications": made}
