"""Every read of the training capability, scoped to the actor; and the one question other
capabilities ask: ``qualification_valid(person, kind, on=date)``."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from silvercare.accounts.roles import Perm
from silvercare.accounts.scoping import actor_prefixes
from silvercare.common.masking import mask_name
from silvercare.common.selectors import one_visible
from silvercare.common.text import fold_fullwidth
from silvercare.training.choices import EXPIRING_DAYS, EnrolmentStatus, Kind
from silvercare.training.models import (
    Certificate,
    Course,
    CourseSession,
    Enrolment,
    Qualification,
    Reminder,
    WorkforceTarget,
)

# The kinds the officers' page counts per street.
WORKFORCE_KINDS = (Kind.ASSESSOR, Kind.AT_CONSULTANT, Kind.CAREGIVER)


def is_contact(person: Any) -> bool:
    """Whether ``person`` is an elder's contact (a family caregiver) rather than a user."""
    meta = getattr(person, "_meta", None)
    return meta is not None and meta.label_lower == "elders.contact"


def holder_q(person: Any, prefix: str = "") -> Q:
    """The rows held by ``person`` (a user or an elder's contact)."""
    key = "contact" if is_contact(person) else "user"
    return Q(**{f"{prefix}{key}_id": person.pk})


def _valid_on(on: dt.date) -> Q:
    return Q(valid_from__lte=on, revoked_at__isnull=True) & (
        Q(valid_until__isnull=True) | Q(valid_until__gte=on)
    )


def qualification_valid(person: Any, kind: str, *, on: dt.date | None = None) -> bool:
    """Whether ``person`` holds a ``kind`` qualification valid on ``on`` (today by default):
    started, not past its end date, not revoked. The one question other apps ask."""
    if person is None or person.pk is None:
        return False
    day = on or timezone.localdate()
    return Qualification.objects.filter(holder_q(person), _valid_on(day), kind=kind).exists()


def qualified_user_ids(kind: str, *, on: dt.date) -> QuerySet[Qualification, Any]:
    """Ids of the users with a ``kind`` qualification valid on ``on`` (a subquery)."""
    return Qualification.objects.filter(_valid_on(on), kind=kind, user_id__isnull=False).values(
        "user_id"
    )


def qualifications_of(person: Any) -> QuerySet[Qualification]:
    """A person's own qualifications, newest first (their "my qualifications" page)."""
    return Qualification.objects.filter(holder_q(person)).order_by("-valid_from", "number")


def reminders_for(user: Any) -> QuerySet[Reminder]:
    """In-app reminders addressed to ``user`` (as holder)."""
    return (
        Reminder.objects.filter(user=user).select_related("qualification").order_by("-created_at")
    )


# --- Qualifications, scoped ---------------------------------------------------------------


def qualification_list(
    *,
    actor: Any,
    kind: str = "",
    state: str = "",
    region_prefix: str = "",
    employer: str = "",
    on: dt.date | None = None,
) -> QuerySet[Qualification]:
    """Qualifications in the actor's areas; ``state`` is valid, expiring (within 60 days),
    expired (end date passed) or empty for all."""
    day = on or timezone.localdate()
    qs = Qualification.objects.visible_to(actor, Perm.TRAINING_VIEW).select_related(
        "region", "user"
    )
    if kind:
        qs = qs.filter(kind=kind)
    if region_prefix:
        qs = qs.filter(region__code__startswith=region_prefix)
    if employer:
        qs = qs.filter(employer=employer)
    if state == "valid":
        qs = qs.filter(_valid_on(day))
    elif state == "expiring":
        qs = qs.filter(
            revoked_at__isnull=True,
            valid_until__gte=day,
            valid_until__lte=day + dt.timedelta(days=EXPIRING_DAYS),
        )
    elif state == "expired":
        qs = qs.filter(revoked_at__isnull=True, valid_until__lt=day)
    return qs.order_by("valid_until", "number")


def qualification_get_for(*, actor: Any, qualification_id: Any) -> Qualification:
    return one_visible(
        Qualification.objects.visible_to(actor, Perm.TRAINING_VIEW).select_related(
            "region", "user"
        ),
        qualification_id,
    )


def qualification_number_taken(
    *, kind: str, issued_by: str, number: str, exclude_pk: Any = None
) -> bool:
    qs = Qualification.objects.filter(kind=kind, issued_by=issued_by, number=number)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return qs.exists()


@dataclass
class ExpiryGroup:
    """Expiring or expired qualifications of one area and employer."""

    region_code: str
    region_name: str
    employer: str
    rows: list[Qualification] = field(default_factory=list)


def expiry_groups(
    *, actor: Any, state: str, on: dt.date | None = None, kind: str = ""
) -> list[ExpiryGroup]:
    """The expiring (next 60 days) or expired list, grouped per area and employer."""
    qs = qualification_list(actor=actor, state=state, on=on, kind=kind).prefetch_related(
        "reminders"
    )
    groups: dict[tuple[str, str], ExpiryGroup] = {}
    for row in qs[:2000]:
        key = (row.region_id, row.employer)
        if key not in groups:
            groups[key] = ExpiryGroup(row.region_id, row.region.name, row.employer)
        groups[key].rows.append(row)
    return sorted(groups.values(), key=lambda g: (g.region_code, g.employer))


@dataclass
class StreetCount:
    code: str
    name: str
    counts: dict[str, int]

    @property
    def values(self) -> list[int]:
        """The counts in the order of ``WORKFORCE_KINDS`` (the page's columns)."""
        return [self.counts[k.value] for k in WORKFORCE_KINDS]


def _street(code: str) -> str:
    return code[:9].ljust(12, "0") if code[6:9] != "000" else code


def workforce_counts(*, actor: Any, on: dt.date | None = None) -> list[StreetCount]:
    """Per street: how many different people hold a valid assessor, assistive-technology
    consultant and caregiver qualification (areas above a street are listed as they are)."""
    from silvercare.regions.models import Region

    day = on or timezone.localdate()
    rows = (
        Qualification.objects.visible_to(actor, Perm.TRAINING_STATS)
        .filter(_valid_on(day), kind__in=[k.value for k in WORKFORCE_KINDS])
        .values_list("region_id", "kind", "user_id", "contact_id")
    )
    people: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for region_code, kind, user_id, contact_id in rows:
        person = f"u{user_id}" if user_id else f"c{contact_id}"
        people[_street(region_code)][kind].add(person)
    names = dict(Region.objects.filter(code__in=people).values_list("code", "name"))
    return [
        StreetCount(
            code=code,
            name=names.get(code, code),
            counts={k.value: len(people[code].get(k.value, ())) for k in WORKFORCE_KINDS},
        )
        for code in sorted(people)
    ]


@dataclass
class TargetProgress:
    target: WorkforceTarget
    region_name: str
    counted: int
    whole_region: bool

    @property
    def percent(self) -> float:
        return round(100 * self.counted / self.target.target, 1) if self.target.target else 0.0


def workforce_progress(*, actor: Any, on: dt.date | None = None) -> list[TargetProgress]:
    """Progress toward each workforce target that overlaps the actor's areas: valid
    qualifications of the target's kinds held by different people, counted in the part of
    the target's region the actor sees (``whole_region`` when that is all of it)."""
    from silvercare.regions.models import Region

    day = on or timezone.localdate()
    prefixes = actor_prefixes(actor, Perm.TRAINING_STATS)
    if not prefixes:
        return []
    out = []
    for target in WorkforceTarget.objects.all():
        stem = target.region_code.rstrip("0")
        stem = stem + "0" * (len(stem) % 2) if len(stem) < 6 else stem
        inside = [p for p in prefixes if p.startswith(stem) or stem.startswith(p)]
        if not inside:
            continue
        whole = any(stem.startswith(p) for p in prefixes)
        q = Q()
        for prefix in inside:
            q |= Q(region__code__startswith=max(prefix, stem, key=len))
        rows = Qualification.objects.filter(
            q, _valid_on(day), kind__in=list(target.kinds)
        ).values_list("user_id", "contact_id")
        counted = len({(u, c) for u, c in rows})
        region = Region.objects.filter(code=target.region_code).first()
        out.append(
            TargetProgress(
                target=target,
                region_name=region.name if region else target.region_code,
                counted=counted,
                whole_region=whole,
            )
        )
    return out


# --- Courses, sessions, enrolments ----------------------------------------------------------


def course_list(*, actor: Any) -> QuerySet[Course]:
    return (
        Course.objects.visible_to(actor, Perm.TRAINING_VIEW)
        .select_related("region")
        .annotate(session_count=Count("sessions"))
        .order_by("title", "id")
    )


def course_get_for(*, actor: Any, course_id: Any) -> Course:
    return one_visible(Course.objects.visible_to(actor, Perm.TRAINING_VIEW), course_id)


def session_list(
    *, actor: Any, course: Course | None = None, upcoming: bool = False
) -> QuerySet[CourseSession]:
    qs = (
        CourseSession.objects.visible_to(actor, Perm.TRAINING_VIEW)
        .select_related("course", "region")
        .annotate(
            enrolled=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.ENROLLED)),
            waiting=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.WAITING)),
        )
    )
    if course is not None:
        qs = qs.filter(course=course)
    if upcoming:
        qs = qs.filter(ends_at__gte=timezone.now(), cancelled_at__isnull=True)
    return qs.order_by("starts_at", "id")


def session_get_for(*, actor: Any, session_id: Any) -> CourseSession:
    return one_visible(
        CourseSession.objects.visible_to(actor, Perm.TRAINING_VIEW).select_related(
            "course", "region"
        ),
        session_id,
    )


def enrolments_of(session: CourseSession) -> QuerySet[Enrolment]:
    """Everyone on a session: enrolled first, then the waiting list in order of arrival."""
    return (
        Enrolment.objects.filter(session=session)
        .select_related("certificate", "contact")
        .order_by("created_at", "id")
    )


def enrolment_get_for(*, actor: Any, enrolment_id: Any) -> Enrolment:
    return one_visible(
        Enrolment.objects.visible_to(actor, Perm.TRAINING_VIEW).select_related(
            "session__course", "session__region"
        ),
        enrolment_id,
    )


def enrolled_count(session: CourseSession) -> int:
    return Enrolment.objects.filter(session=session, status=EnrolmentStatus.ENROLLED).count()


@dataclass
class Suggestion:
    """A family member of an elder recently assessed at a high level, not yet on the session."""

    contact_id: int
    name: str
    relationship: str
    phone_masked: str
    elder_name: str
    level: int
    assessed_on: dt.date | None


def enrolment_suggestions(
    *, actor: Any, session: CourseSession, days: int = 90, min_level: int = 3, limit: int = 20
) -> list[Suggestion]:
    """Contacts of elders in the session's area whose latest assessment, completed in the
    last ``days`` days, put them at ``min_level`` or above (the people a family-caregiver
    course is for). Asked through the assessment and registry selectors."""
    from silvercare.assessments.selectors import elders_recently_assessed
    from silvercare.elders.selectors import contacts_of_elders

    since = timezone.localdate() - dt.timedelta(days=days)
    assessed = elders_recently_assessed(
        actor=actor, since=since, min_level=min_level, region_prefix=_area_prefix(session)
    )
    if not assessed:
        return []
    taken = set(
        Enrolment.objects.filter(session=session, contact_id__isnull=False)
        .exclude(status=EnrolmentStatus.WITHDRAWN)
        .values_list("contact_id", flat=True)
    )
    out = []
    for contact in contacts_of_elders(actor=actor, elder_ids=list(assessed)):
        if contact.pk in taken:
            continue
        level, on = assessed[contact.elder_id]
        out.append(
            Suggestion(
                contact_id=contact.pk,
                name=contact.name,
                relationship=contact.get_relationship_display(),
                phone_masked=contact.phone_masked,
                elder_name=contact.elder.name,
                level=level,
                assessed_on=on,
            )
        )
        if len(out) >= limit:
            break
    return out


def _area_prefix(session: CourseSession) -> str:
    """The street of the session's place (or the area itself above a street)."""
    from silvercare.regions.choices import PREFIX_LENGTH

    return session.region.code[: PREFIX_LENGTH[min(session.region.level, 4)]]


# --- Certificates ---------------------------------------------------------------------------


def certificate_get_for(*, actor: Any, certificate_id: Any) -> Certificate:
    return one_visible(
        Certificate.objects.filter(
            enrolment__in=Enrolment.objects.visible_to(actor, Perm.TRAINING_VIEW)
        ).select_related("enrolment__session__course", "region"),
        certificate_id,
    )


@dataclass(frozen=True)
class Verification:
    """What the public verification page may show: nothing that identifies more than the
    certificate already says (the name masked)."""

    valid: bool
    name_masked: str = ""
    course: str = ""
    completed_on: dt.date | None = None
    valid_until: dt.date | None = None


def normalise_code(code: str) -> str:
    folded = "".join(ch for ch in fold_fullwidth(code) if ch.isascii() and ch.isdigit())
    return "-".join(folded[i : i + 4] for i in range(0, len(folded), 4))


def certificate_verify(code: str, *, on: dt.date | None = None) -> Verification | None:
    """None for an unknown code; else whether the certificate is valid on ``on``."""
    normal = normalise_code(code)
    if not normal or len(normal) > 16:
        return None
    found = Certificate.objects.filter(code=normal).first()
    if found is None:
        return None
    day = on or timezone.localdate()
    valid = found.revoked_at is None and (found.valid_until is None or found.valid_until >= day)
    return Verification(
        valid=valid,
        name_masked=mask_name(found.holder_name),
        course=found.course_title,
        completed_on=found.completed_on,
        valid_until=found.valid_until,
    )
