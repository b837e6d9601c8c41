"""Reads of the portal. Who may see an elder here is decided in one place,
``portal_elder_get``, from the registry's ``elders_of_account``: the elder's own account, or a
family member whose account a community worker or the elder linked to one of the elder's
contacts. Anything else is the same
``NotFound`` as a missing record. What a family member sees further depends on the elder's
consent per purpose (``PortalElder.may``)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from silvercare.common.errors import NotFound
from silvercare.portal.models import PortalAccount

#: Consent purpose a family member needs for each part of the portal.
PART_PURPOSE = {"services": "data_sharing", "health": "monitoring"}


@dataclass
class PortalElder:
    elder: Any
    own: bool
    contact: Any = None
    consents: dict[str, bool] = field(default_factory=dict)

    def may(self, part: str) -> bool:
        """The elder sees everything of theirs; family what the elder consented to."""
        return self.own or self.consents.get(PART_PURPOSE[part], False)


def account_of(user: Any) -> PortalAccount | None:
    if not getattr(user, "pk", None):
        return None
    return PortalAccount.objects.filter(user_id=user.pk).first()


def elder_mode_of(user: Any) -> bool:
    account = account_of(user)
    return bool(account and account.elder_mode)


def account_by_phone_hash(phone_hash: str) -> PortalAccount | None:
    if not phone_hash:
        return None
    return (
        PortalAccount.objects.filter(phone_hash=phone_hash, user__is_active=True)
        .select_related("user")
        .first()
    )


def portal_elders(*, user: Any) -> list[PortalElder]:
    """The elders this account acts for (``elders.selectors.elders_of_account``): the
    elder whose own account it is first, then the elders it follows as family."""
    from silvercare.elders.selectors import elder_consents, elders_of_account

    rows = [
        PortalElder(elder=elder, own=contact is None, contact=contact)
        for elder, contact in elders_of_account(user=user)
    ]
    for row in rows:
        row.consents = {
            purpose: bool(event and event.granted)
            for purpose, event in elder_consents(row.elder).items()
        }
    return rows


def portal_elder_get(*, user: Any, elder_id: Any) -> PortalElder:
    try:
        wanted = uuid.UUID(str(elder_id))
    except (ValueError, TypeError):
        raise NotFound() from None
    for row in portal_elders(user=user):
        if row.elder.pk == wanted:
            return row
    raise NotFound()


def _fen(value: int | None) -> str:
    return f"{(value or 0) / 100:.2f}"


def _minute(value: int | None) -> str:
    if value is None:
        return ""
    return f"{value // 60:02d}:{value % 60:02d}"


def _level_words(level: int) -> str:
    words = {
        0: _("Fully able: looks after themself without help."),
        1: _("Mildly limited: needs a little help with some daily tasks."),
        2: _("Moderately limited: needs regular help with daily tasks."),
        3: _("Severely limited: needs help with most daily tasks."),
        4: _("Completely dependent: needs help with everything, all day."),
    }
    return str(words.get(level, ""))


def services_of(pe: PortalElder) -> dict[str, Any]:
    """Visits, leases, vouchers and subsidies, and the assessment, in plain words."""
    from silvercare.homecare.selectors import visits_of_elder
    from silvercare.rental.selectors import leases_held_by
    from silvercare.subsidies.selectors import entitlements_held_by, vouchers_held_by

    elder = pe.elder
    visits = visits_of_elder(elder_id=elder.pk, limit=10)
    leases = [
        {
            "id": lease.pk,
            "product": lease.unit.product.name,
            "elder_pays": _fen(lease.elder_monthly_fen),
            "full_price": _fen(lease.monthly_price_fen),
            "deposit": _fen(lease.deposit_fen),
            "until": lease.planned_end_on,
            "point": lease.point.name,
            "point_address": lease.point.address,
            "point_phone": lease.point.phone,
            "reason": lease.allocation_reason,
        }
        for lease in leases_held_by(elder_id=elder.pk)
    ]
    vouchers = [
        {
            "name": v.batch.name,
            "face": _fen(v.face_value_fen),
            "remaining": _fen(v.remaining_fen),
            "status": v.get_status_display(),
            "active": v.status == "active",
        }
        for v in vouchers_held_by(elder_id=elder.pk)
    ]
    assessment = None
    if elder.ability_level is not None:
        assessment = {
            "level": elder.ability_level,
            "words": _level_words(elder.ability_level),
            "assessed_on": timezone.localdate(elder.ability_assessed_at)
            if elder.ability_assessed_at
            else None,
            "due_on": elder.reassessment_due_on,
        }
    return {
        "upcoming": [_visit_row(v) for v in visits["upcoming"]],
        "past": [_visit_row(v) for v in visits["past"]],
        "leases": leases,
        "vouchers": vouchers,
        "entitlements": entitlements_held_by(elder=elder),
        "assessment": assessment,
    }


def _visit_row(visit: Any) -> dict[str, Any]:
    return {
        "id": visit.pk,
        "date": visit.date,
        "from": _minute(visit.window_start),
        "to": _minute(visit.window_end),
        "service": visit.service_type.get_code_display(),
        "provider": visit.provider.name,
        "caregiver": visit.caregiver.name if visit.caregiver else "",
        "status": visit.get_status_display(),
    }


_READING_KINDS = {"bp", "hr", "spo2", "glucose", "temperature"}


def health_of(pe: PortalElder) -> dict[str, Any]:
    """Latest readings and the elder's alerts (open ones first)."""
    from silvercare.alerts.selectors import alerts_of_elder
    from silvercare.monitoring.selectors import elder_latest

    latest = [r for r in elder_latest(pe.elder) if r["kind"] in _READING_KINDS]
    readings = [{"kind": r["kind"], "label": _reading_label(r), "ts": r["ts"]} for r in latest]
    alerts = alerts_of_elder(elder_id=pe.elder.pk, limit=10)
    open_alerts = [a for a in alerts if a.status in ("open", "acknowledged", "in_progress")]
    return {"readings": readings, "open_alerts": open_alerts, "alerts": alerts}


def _reading_label(row: dict[str, Any]) -> str:
    v = row["value"]
    kind = row["kind"]
    if kind == "bp":
        return _("Blood pressure %(sys)s/%(dia)s mmHg") % {
            "sys": v.get("systolic", "?"),
            "dia": v.get("diastolic", "?"),
        }
    if kind == "hr":
        return _("Heart rate %(v)s beats a minute") % {"v": v.get("bpm", "?")}
    if kind == "spo2":
        return _("Blood oxygen %(v)s%%") % {"v": v.get("percent", "?")}
    if kind == "glucose":
        return _("Blood sugar %(v)s mmol/L") % {"v": v.get("mmol_l", "?")}
    return _("Temperature %(v)s °C") % {"v": v.get("celsius", "?")}


def warnings_of(pe: PortalElder) -> list[Any]:
    """Fraud warnings published for the elder's area, when the supervision capability
    offers them (``supervision.selectors.warnings_for_region``)."""
    try:
        from silvercare.supervision import selectors as supervision
    except ImportError:  # pragma: no cover - the capability is optional
        return []
    reader = getattr(supervision, "warnings_for_region", None)
    if reader is None:
        return []
    return list(reader(region_code=pe.elder.region_id, on=timezone.localdate()))


def reads_of(pe: PortalElder) -> list[dict[str, Any]]:
    """Who read or exported the elder's unmasked personal data, in plain words: who, their
    role and organisation (the area of their grant), when, and for what."""
    from silvercare.accounts.roles import Role
    from silvercare.audit.selectors import reads_of_elder

    events = list(reads_of_elder(elder_id=str(pe.elder.pk)))
    grants = _grants_of({e.actor_id for e in events if e.actor_id})
    purposes = {
        "view_pii": _("Looked at your ID number, phone and address to serve you"),
        "export": _("Copied your record into a file"),
        "lookup": _("Found your record by ID number or phone"),
    }
    rows = []
    for e in events:
        role, organisation = grants.get(e.actor_id, ("", ""))
        who = (e.actor.display_name or e.actor.username) if e.actor is not None else e.actor_label
        rows.append(
            {
                "who": who,
                "role": str(Role(role).label) if role in Role.values else "",
                "organisation": organisation,
                "at": e.at,
                "purpose": purposes.get(e.action, e.action),
                "via": e.via,
            }
        )
    return rows


def _grants_of(user_ids: set[Any]) -> dict[Any, tuple[str, str]]:
    from silvercare.accounts.selectors import grant_list

    out: dict[Any, tuple[str, str]] = {}
    for user_id in user_ids:
        grant = grant_list(user=_UserRef(user_id)).first()
        if grant is not None:
            out[user_id] = (grant.role, grant.region.name)
    return out


@dataclass
class _UserRef:
    pk: Any


def data_of(pe: PortalElder) -> dict[str, Any]:
    """The elder's own data for the download (PIPL right of access): record (masked
    identifiers), contacts (masked), consents with history, services, health, reads."""
    from silvercare.elders.selectors import elder_age

    elder = pe.elder
    services = services_of(pe)
    health = health_of(pe)
    return {
        "generated_at": timezone.now().isoformat(),
        "record": {
            "name": elder.name,
            "id_number": elder.id_number_masked,
            "birth_date": elder.birth_date.isoformat(),
            "age": elder_age(elder),
            "sex": elder.get_sex_display(),
            "phone": elder.phone_masked,
            "community": elder.region.name,
            "hukou_type": elder.get_hukou_type_display(),
            "living_situation": elder.get_living_situation_display(),
        },
        "contacts": [
            {
                "name": c.name,
                "relationship": c.get_relationship_display(),
                "phone": c.phone_masked,
                "linked_account": bool(c.account_id),
            }
            for c in elder.contacts.all()
        ],
        "consents": [
            {
                "purpose": row["label"],
                "granted": e["granted"],
                "at": e["at"].isoformat(),
            }
            for row in consent_history(pe)
            for e in row["history"]
        ],
        "visits": [
            {**v, "date": v["date"].isoformat(), "id": str(v["id"])}
            for v in services["upcoming"] + services["past"]
        ],
        "leases": [
            {**lease, "until": lease["until"].isoformat(), "id": str(lease["id"])}
            for lease in services["leases"]
        ],
        "vouchers": services["vouchers"],
        "subsidies": [
            {"programme": e["programme"], "passed": e["passed"], "reasons": str(e["reasons"])}
            for e in services["entitlements"]
        ],
        "assessment": (
            {
                "level": services["assessment"]["level"],
                "words": services["assessment"]["words"],
                "due_on": _iso(services["assessment"]["due_on"]),
            }
            if services["assessment"]
            else None
        ),
        "readings": [{"what": r["label"], "at": r["ts"].isoformat()} for r in health["readings"]],
        "alerts": [
            {
                "kind": a.get_kind_display(),
                "status": a.get_status_display(),
                "at": _iso(a.created_at),
            }
            for a in health["alerts"]
        ],
        "reads": [{**r, "at": r["at"].isoformat()} for r in reads_of(pe)],
    }


def _iso(value: dt.date | dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def consent_history(pe: PortalElder) -> list[dict[str, Any]]:
    """Per purpose: the consent in force and every change, newest first."""
    from silvercare.elders.choices import ConsentPurpose

    events = list(pe.elder.consent_events.order_by("purpose", "-recorded_at", "-id"))
    out = []
    for purpose in ConsentPurpose:
        history = [
            {"granted": e.granted, "at": e.recorded_at, "portal": e.note == "portal"}
            for e in events
            if e.purpose == purpose.value
        ]
        out.append(
            {
                "purpose": purpose.value,
                "label": str(purpose.label),
                "granted": bool(history and history[0]["granted"]),
                "history": history,
            }
        )
    return out


def family_candidates(pe: PortalElder) -> list[dict[str, Any]]:
    """The elder's contacts, each with whether a portal account holds the contact's phone
    (then the elder may let them follow) and whether it already follows."""
    rows = []
    for contact in pe.elder.contacts.all():
        account = account_by_phone_hash(contact.phone_hash)
        rows.append(
            {
                "id": contact.pk,
                "name": contact.name,
                "relationship": contact.get_relationship_display(),
                "phone": contact.phone_masked,
                "linked": bool(contact.account_id),
                "has_account": account is not None and account.user_id != _own_user(pe),
            }
        )
    return rows


def _own_user(pe: PortalElder) -> Any:
    return pe.elder.account_id


def care_orders_of(pe: PortalElder) -> list[dict[str, Any]]:
    """The elder's home-care orders (requests included), newest first, with their status
    and the co-pay per visit once the provider accepted and the subsidy was quoted."""
    from silvercare.homecare.selectors import orders_of_elder

    return [
        {
            "id": o.pk,
            "service": o.service_type.get_code_display(),
            "provider": o.provider.name,
            "first": o.first_date,
            "last": o.last_date,
            "from": _minute(o.window_start),
            "to": _minute(o.window_end),
            "repeats": o.get_recurrence_display(),
            "status": o.status,
            "status_label": o.get_status_display(),
            "reason": o.status_reason,
            "quoted": o.quote_id is not None,
            "copay": _fen(o.copay_fen),
            "price": _fen(o.price_fen),
        }
        for o in orders_of_elder(elder_id=pe.elder.pk, limit=10)
    ]


def booking_choices(pe: PortalElder) -> dict[str, list[tuple[str, str]]]:
    """What the booking form offers: the active services, and the providers serving the
    elder's area."""
    from silvercare.homecare.selectors import providers_serving, service_types

    return {
        "service_types": [(t.code, str(t)) for t in service_types()],
        "providers": [
            (str(p.pk), p.name)
            for p in providers_serving(actor=None, region_code=pe.elder.region_id)
        ],
    }
