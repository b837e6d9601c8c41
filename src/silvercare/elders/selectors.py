"""Every read of the elder registry, scoped to the actor."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from silvercare.accounts.roles import Perm
from silvercare.accounts.scoping import actor_has_perm
from silvercare.audit.services import AuditContext
from silvercare.common.errors import NotFound
from silvercare.common.masking import coarse_coordinate
from silvercare.common.selectors import one_visible
from silvercare.common.text import fold_fullwidth
from silvercare.elders.choices import ADVANCED_AGE_YEARS, Category
from silvercare.elders.models import ConsentEvent, Contact, Elder
from silvercare.elders.name_order import name_sort_range
from silvercare.elders.services import CATEGORY_FIELDS, elder_exact_lookup, id_hash, phone_hash
from silvercare.elders.validation import normalise_phone
from silvercare.regions.selectors import bounding_box, haversine_m

# "name" is the pinyin order (name_order, ADR 0007), served by the (name_sort, id) and
# (region, name_sort, id) indexes.
SORTS = {
    "name": ("name_sort", "id"),
    "-name": ("-name_sort", "-id"),
    "age": ("-birth_date", "id"),
    "-age": ("birth_date", "id"),
    "created": ("created_at", "id"),
    "-created": ("-created_at", "-id"),
    "region": ("region_id", "name_sort", "id"),
}
ID_RE = re.compile(r"^[0-9]{17}[0-9Xx]$")  # ASCII only: full-width is folded first
PHONE_LIKE = re.compile(r"^[\d\-+ ]{7,}$")
ASCII_INITIALS = re.compile(r"^[a-zA-Z]{1,10}$")


@dataclass
class ElderFilters:
    q: str = ""
    region: str = ""
    category: str = ""
    age_min: int | None = None
    age_max: int | None = None
    status: str = ""
    sort: str = "name"


def _years_ago(today: dt.date, years: int) -> dt.date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def exact_query(q: str) -> tuple[str, str] | None:
    """("id_number", number) or ("phone", phone) when the search text is an exact lookup."""
    compact = fold_fullwidth(q.strip()).replace(" ", "")
    if ID_RE.match(compact):
        return "id_number", compact.upper()
    if PHONE_LIKE.match(q.strip()) and sum(ch.isdigit() for ch in q) >= 7:
        return "phone", normalise_phone(q.strip())
    return None


def elder_search(
    *, actor: Any, filters: ElderFilters, ctx: AuditContext | None = None
) -> QuerySet[Elder]:
    """Elders visible to the actor matching the filters.

    A search text that is a whole ID number or phone is an exact lookup: it confirms a
    guess, so ``services.elder_exact_lookup`` decides (personal-data right, per-user limit)
    and audits it; a refusal raises ``DomainError`` (403 or 429)."""
    qs = Elder.objects.visible_to(actor, Perm.ELDERS_VIEW).select_related("region")
    q = filters.q.strip()
    if q:
        exact = exact_query(q)
        if exact is not None:
            ids = elder_exact_lookup(
                ctx=ctx or AuditContext(actor=actor), kind=exact[0], value=exact[1]
            )
            qs = qs.filter(pk__in=ids)
        elif ASCII_INITIALS.match(q):
            # A range, not LIKE, and ordered by the (name_initials, name, id) index: PostgreSQL
            # then reads only the matching slice instead of walking all names in order.
            low = q.lower()
            qs = qs.filter(
                name_initials__gte=low, name_initials__lt=low[:-1] + chr(ord(low[-1]) + 1)
            )
            if filters.sort == "name":
                return _filtered(qs, filters).order_by("name_initials", "name", "id")
        else:
            bounds = name_sort_range(q) if filters.sort in ("name", "-name") else None
            if bounds:
                # Exactly the names beginning with q have their key in this range, so the
                # pinyin order's index reads only the matching slice, in order (as the "C"
                # name index did for the code-point order).
                qs = qs.filter(name_sort__gte=bounds[0], name_sort__lt=bounds[1])
            else:
                qs = qs.filter(name__startswith=q)
    return _filtered(qs, filters).order_by(*SORTS.get(filters.sort, SORTS["name"]))


def elder_none() -> QuerySet[Elder]:
    """An empty result (a refused search still renders the list page)."""
    return Elder.objects.none()


def _filtered(qs: QuerySet[Elder], filters: ElderFilters) -> QuerySet[Elder]:
    if len(filters.region) == 12:
        qs = qs.filter(region_id=filters.region)  # one community: equality uses the index
    elif filters.region:
        qs = qs.filter(region__code__startswith=filters.region)
    if filters.category == Category.ADVANCED_AGE:
        qs = qs.filter(birth_date__lte=_years_ago(timezone.localdate(), ADVANCED_AGE_YEARS))
    elif filters.category in CATEGORY_FIELDS:
        qs = qs.filter(**{CATEGORY_FIELDS[filters.category]: True})
    today = timezone.localdate()
    if filters.age_min is not None:
        qs = qs.filter(birth_date__lte=_years_ago(today, filters.age_min))
    if filters.age_max is not None:
        qs = qs.filter(birth_date__gt=_years_ago(today, filters.age_max + 1))
    if filters.status:
        qs = qs.filter(status=filters.status)
    return qs


def elder_status_counts(*, actor: Any) -> dict[str, int]:
    """Elders visible to the actor, counted by status (home page)."""
    rows = (
        Elder.objects.visible_to(actor, Perm.ELDERS_VIEW)
        .values("status")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["status"]: row["n"] for row in rows}


def elder_get_for(*, actor: Any, elder_id: Any, perm: str = Perm.ELDERS_VIEW) -> Elder:
    """The elder, if the actor may see them; otherwise the same NotFound as a missing one."""
    return one_visible(Elder.objects.visible_to(actor, perm).select_related("region"), elder_id)


def elder_consents(elder: Elder) -> dict[str, ConsentEvent | None]:
    """The consent in force per purpose (latest event), from one query."""
    current: dict[str, ConsentEvent | None] = {}
    for event in elder.consent_events.order_by("purpose", "-recorded_at", "-id"):
        current.setdefault(event.purpose, event)
    return current


def elder_can(actor: Any, elder: Elder, perm: str) -> bool:
    return actor_has_perm(actor, perm, elder.region_id)


def elders_near(*, actor: Any, lat: float, lon: float, metres: float) -> list[tuple[Elder, float]]:
    """Elders visible to the actor within walking distance of a point (the service circle).

    For an elder whose exact position the actor may not see (no personal-data right in
    that region), the distance is measured to the rounded position: otherwise distances
    from three points would give the coordinates back."""
    box = bounding_box(lat, lon, metres)
    candidates = (
        Elder.objects.visible_to(actor, Perm.ELDERS_VIEW).filter(box.q()).select_related("region")
    )
    found = []
    for elder in candidates:
        where = elder_position_for(actor, elder)
        assert where is not None
        distance = haversine_m(lat, lon, where[0], where[1])
        if distance <= metres:
            found.append((elder, distance))
    return sorted(found, key=lambda pair: pair[1])


def elder_sees_personal(actor: Any, elder: Elder) -> bool:
    """Whether the actor holds the personal-data right where the elder lives: it decides
    exact birth date and coordinates (the ID number and phone stay masked until revealed)."""
    return elder_can(actor, elder, Perm.ELDERS_VIEW_PII)


def elder_position_for(actor: Any, elder: Elder) -> tuple[float, float] | None:
    """The elder's coordinates as the actor may see them: exact with the personal-data
    right, rounded to about a kilometre otherwise (ADR 0005)."""
    lat, lon = coarse_coordinate(elder.latitude), coarse_coordinate(elder.longitude)
    if lat is None or lon is None or elder.latitude is None or elder.longitude is None:
        return None
    if elder_sees_personal(actor, elder):
        return elder.latitude, elder.longitude
    return lat, lon


def elder_age(elder: Elder, today: dt.date | None = None) -> int:
    today = today or timezone.localdate()
    born = elder.birth_date
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def elder_id_number_is(elder: Elder, number: str) -> bool:
    """Whether ``number`` is the elder's registered ID number (compared by keyed hash, so
    nothing is decrypted and nothing needs auditing)."""
    compact = number.strip().replace(" ", "").upper()
    return bool(compact) and id_hash(compact) == elder.id_number_hash


def elder_contact_find(
    elder: Elder, *, contact_id: Any = None, phone: str = "", name: str = ""
) -> Contact | None:
    """One of the elder's registered contacts: by id, else by exact phone (keyed hash),
    else by exact name."""
    contacts = elder.contacts.all()
    if contact_id not in (None, ""):
        if isinstance(contact_id, bool) or not str(contact_id).isdecimal():
            return None
        pk = int(str(contact_id))
        return contacts.filter(pk=pk).first() if 1 <= pk < 2**31 else None
    if phone:
        return contacts.filter(phone_hash=phone_hash(normalise_phone(phone))).first()
    if name:
        return contacts.filter(name=name.strip()).first()
    return None


def contacts_of_elders(*, actor: Any, elder_ids: list[Any], limit: int = 500) -> list[Contact]:
    """The registered contacts of the given elders that the actor may see (e.g. family
    caregivers a course suggests), with their elder, in the elders' and priority order."""
    visible = Elder.objects.visible_to(actor, Perm.ELDERS_VIEW).filter(pk__in=elder_ids)
    return list(
        Contact.objects.filter(elder__in=visible)
        .select_related("elder")
        .order_by("elder__name_sort", "elder_id", "priority", "id")[:limit]
    )


def contact_get_for(*, actor: Any, contact_id: Any) -> Contact:
    """One contact of an elder the actor sees; NotFound for missing and out of scope."""
    if isinstance(contact_id, bool) or not str(contact_id).isdecimal():
        raise NotFound()
    pk = int(str(contact_id))
    found = (
        Contact.objects.filter(pk=pk, elder__in=Elder.objects.visible_to(actor, Perm.ELDERS_VIEW))
        .select_related("elder")
        .first()
        if 1 <= pk < 2**31
        else None
    )
    if found is None:
        raise NotFound()
    return found


# --- Bulk facts for other capabilities (subsidy eligibility over a whole area) -------------

ELDER_FACT_FIELDS = (
    "id",
    "region_id",
    "birth_date",
    "hukou_type",
    *CATEGORY_FIELDS.values(),
    "ability_level",
    "ability_assessed_at",
)


def elder_fact_rows(
    *, region_prefix: str, elder_ids: list[Any] | None = None, chunk_size: int = 10_000
) -> Any:
    """Tuples of ``ELDER_FACT_FIELDS`` for every active elder whose community code starts
    with ``region_prefix`` (optionally only ``elder_ids``), streamed in chunks. The level is
    the one the assessment events keep on the registry (``elder_record_assessment``).
    Not scoped: for services that evaluate a programme over its whole area; callers check
    the actor's right to that area first."""
    qs = Elder.objects.filter(region__code__startswith=region_prefix, status="active")
    if elder_ids is not None:
        qs = qs.filter(pk__in=elder_ids)
    return qs.order_by().values_list(*ELDER_FACT_FIELDS).iterator(chunk_size=chunk_size)


def elder_registry_table() -> str:
    """The registry's table name, for services that read it in one SQL statement with
    their own tables (bulk subsidy evaluation on PostgreSQL). Read only; its columns are
    ``ELDER_FACT_FIELDS`` plus ``status``."""
    return Elder._meta.db_table


def elders_with_consent(*, elder_ids: list[Any], purpose: str) -> set[uuid.UUID]:
    """Of ``elder_ids``, those whose consent in force for ``purpose`` is a grant, in one
    query. Not scoped: for the telemetry ingest, which acts for no user."""
    granted: set[uuid.UUID] = set()
    seen: set[uuid.UUID] = set()
    rows = (
        ConsentEvent.objects.filter(elder_id__in=set(elder_ids), purpose=purpose)
        .order_by("elder_id", "-recorded_at", "-id")
        .values_list("elder_id", "granted")
    )
    for elder_id, is_granted in rows:
        if elder_id not in seen:
            seen.add(elder_id)
            if is_granted:
                granted.add(elder_id)
    return granted


def elders_of_family(*, user: Any) -> list[tuple[Elder, Contact]]:
    """The elders whose contact the user's own account is (``Contact.account``), for the
    family views; each with the contact row. Consent is the caller's check."""
    if not getattr(user, "pk", None):
        return []
    return [
        (c.elder, c)
        for c in Contact.objects.filter(account_id=user.pk, elder__status="active")
        .select_related("elder")
        .order_by("elder__name_sort", "elder_id", "id")
    ]


def elder_by_id_unscoped(elder_id: Any) -> Elder | None:
    """The elder with this id, or None (also for a malformed id). NOT scoped: for the
    operator's console commands (``silvercare portal_account --elder-id``)."""
    try:
        key = uuid.UUID(str(elder_id))
    except (ValueError, TypeError):
        return None
    return Elder.objects.select_related("region").filter(pk=key).first()


def elders_of_account(*, user: Any) -> list[tuple[Elder, Contact | None]]:
    """The elders this account acts for: the elder whose own account it is
    (``Elder.account``; first, without a contact), then the elders whose contact it is
    (``Contact.account``, family members), each once. Active elders only. What a family
    member may see of each depends on the elder's consent: the caller's check."""
    if not getattr(user, "pk", None):
        return []
    rows: list[tuple[Elder, Contact | None]] = [
        (e, None) for e in Elder.objects.filter(account_id=user.pk, status="active")
    ]
    seen = {e.pk for e, _c in rows}
    for elder, contact in elders_of_family(user=user):
        if elder.pk not in seen:
            seen.add(elder.pk)
            rows.append((elder, contact))
    return rows


def account_acts_for(*, user: Any, elder_id: Any) -> bool:
    """Whether the account is the elder's own or a linked family member's."""
    return any(str(e.pk) == str(elder_id) for e, _c in elders_of_account(user=user))


def registered_facts(*, until: dt.date) -> dict[str, dict[str, int]]:
    """Per community: the elders registered by ``until`` and still active there (for the
    indicators; counts only)."""
    from silvercare.elders.choices import ElderStatus

    rows = (
        Elder.objects.filter(status=ElderStatus.ACTIVE, created_at__date__lte=until)
        .values("region_id")
        .annotate(n=Count("id"))
    )
    return {r["region_id"]: {"registered": r["n"]} for r in rows}


# The GB/T 42195 final levels counted as disabled (失能) by the indicators: moderate, severe
# and complete disability (2–4), as the subsidies' demo programmes and the level statistics
# count them.
DISABLED_FROM_LEVEL = 2


def disabled_facts(*, until: dt.date, with_ids: Any) -> dict[str, dict[str, int]]:
    """Per community: the active elders registered by ``until`` whose current ability level
    is moderate disability or worse, and how many of them are among ``with_ids`` (a subquery
    of elder ids from another capability, e.g. those fitted with a device)."""
    from silvercare.elders.choices import ElderStatus

    rows = (
        Elder.objects.filter(
            status=ElderStatus.ACTIVE,
            created_at__date__lte=until,
            ability_level__gte=DISABLED_FROM_LEVEL,
        )
        .values("region_id")
        .annotate(n=Count("id"), among=Count("id", filter=Q(id__in=with_ids)))
    )
    return {r["region_id"]: {"disabled": r["n"], "disabled_with": r["among"]} for r in rows}
