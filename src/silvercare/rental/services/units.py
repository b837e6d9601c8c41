"""Rental points, units and their state machine; cleaning, repair and incident reports."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from silvercare.accounts.roles import Perm
from silvercare.audit.models import AuditAction
from silvercare.audit.services import AuditContext
from silvercare.common.errors import DomainError, FieldError, ValidationFailed
from silvercare.rental import error_codes as codes
from silvercare.rental.choices import (
    TRANSITIONS,
    CleaningMethod,
    Condition,
    IncidentKind,
    Location,
    PointKind,
    RepairOutcome,
    Severity,
    UnitState,
)
from silvercare.rental.locks import lock_unit
from silvercare.rental.models import (
    CleaningRecord,
    Incident,
    RentalPoint,
    RepairRecord,
    Unit,
    UnitEvent,
)
from silvercare.rental.services._base import actor_label, audit, require, text_errors

MAX_FEN = 100_000_000


def state_label(state: str) -> str:
    return str(UnitState(state).label) if state in UnitState.values else state


def transition_allowed(from_state: str, to_state: str) -> bool:
    return to_state in TRANSITIONS.get(from_state, frozenset())


def check_transition(from_state: str, to_state: str) -> None:
    """Refuse a move the state machine does not allow, naming the rule."""
    if transition_allowed(from_state, to_state):
        return
    allowed = sorted(TRANSITIONS.get(from_state, frozenset()))
    raise DomainError(
        code=codes.TRANSITION_ILLEGAL,
        status=409,
        message=_(
            "A unit cannot go from “%(from)s” to “%(to)s”. From “%(from)s” it may go to: "
            "%(allowed)s."
        )
        % {
            "from": state_label(from_state),
            "to": state_label(to_state),
            "allowed": "、".join(state_label(s) for s in allowed) or _("nowhere (final)"),
        },
        extra={"from_state": from_state, "to_state": to_state, "allowed": allowed},
    )


def _gates(unit: Unit, to_state: str) -> None:
    """The rules beyond the table: nothing goes out uncleaned, unrepaired or recalled."""
    if to_state in (UnitState.RESERVED, UnitState.AVAILABLE) and unit.needs_cleaning:
        raise DomainError(
            code=codes.CLEANING_REQUIRED,
            status=409,
            message=_(
                "This unit came back and has no cleaning and disinfection record since: "
                "record the cleaning first."
            ),
        )
    if to_state in (UnitState.RESERVED, UnitState.AVAILABLE) and unit.recall_hold:
        raise DomainError(
            code=codes.UNIT_ON_RECALL,
            status=409,
            message=_("This unit is held by a recall and may not go out."),
        )
    if (
        to_state == UnitState.AVAILABLE
        and RepairRecord.objects.filter(unit=unit, outcome=RepairOutcome.OPEN).exists()
    ):
        raise DomainError(
            code=codes.REPAIR_OPEN,
            status=409,
            message=_("This unit has a repair in progress: close the repair first."),
        )


def move(
    ctx: AuditContext, unit: Unit, to_state: str, reason: str, *, now: dt.datetime | None = None
) -> UnitEvent:
    """Under the unit's lock: check the move, change the state, record the event."""
    check_transition(unit.state, to_state)
    _gates(unit, to_state)
    event = UnitEvent.objects.create(
        unit=unit,
        from_state=unit.state,
        to_state=to_state,
        actor=ctx.actor if getattr(ctx.actor, "pk", None) else None,
        actor_label=actor_label(ctx),
        at=now or timezone.now(),
        reason=reason[:200],
    )
    unit.state = to_state
    return event


def unit_transition(*, ctx: AuditContext, unit: Unit, to_state: str, reason: str = "") -> Unit:
    """An operator moves a unit by hand (to cleaning, repair, available, retired, lost, or
    a lost unit found again). Reserving and leasing go through the lease services."""
    require(ctx, Perm.RENTAL_OPERATE, unit.region_id)
    errors = text_errors({"reason": reason})
    if to_state not in UnitState.values:
        errors.append(FieldError("to_state", "choice_invalid", _("Choose a state.")))
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        locked = lock_unit(unit.pk)
        if to_state in (UnitState.RESERVED, UnitState.LEASED) and transition_allowed(
            locked.state, to_state
        ):
            raise DomainError(
                code=codes.TRANSITION_ILLEGAL,
                status=409,
                message=_("A unit is reserved or leased only by opening a lease for an elder."),
            )
        move(ctx, locked, to_state, reason)
        fields = ["state", "updated_at"]
        if to_state in (UnitState.RETURNED, UnitState.CLEANING, UnitState.REPAIR):
            locked.location = Location.RENTAL_POINT
            locked.holder = None
            fields += ["location", "holder"]
        if to_state == UnitState.RETURNED:
            locked.needs_cleaning = True
            fields.append("needs_cleaning")
        locked.save(update_fields=fields)
        audit(
            ctx,
            entity_id=f"unit:{locked.pk}",
            region_code=locked.region_id,
            message=gettext_noop("Unit %(serial)s: %(to_state)s"),
            params={"serial": locked.serial, "to_state": to_state},
            changes={"state": [unit.state, to_state], "reason": reason},
        )
    return locked


def point_create(
    *,
    ctx: AuditContext,
    name: str,
    kind: str,
    region_code: str,
    operator: str,
    address: str = "",
    phone: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
) -> RentalPoint:
    require(ctx, Perm.RENTAL_OPERATE, region_code)
    errors = text_errors({"name": name, "operator": operator, "address": address, "phone": phone})
    if not name.strip():
        errors.append(FieldError("name", "required", _("Enter the name.")))
    if kind not in PointKind.values:
        errors.append(FieldError("kind", "choice_invalid", _("Choose a kind.")))
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        point = RentalPoint.objects.create(
            name=name.strip()[:100],
            kind=kind,
            region_id=region_code,
            operator=operator.strip()[:100],
            address=address[:200],
            phone=phone[:30],
            latitude=latitude,
            longitude=longitude,
        )
        if kind != PointKind.WAREHOUSE:
            # Every rental point is a facility of the one registry (industry).
            from silvercare.industry.services import facility_register

            point.facility = facility_register(
                ctx=ctx,
                kind="rental_point",
                name=point.name,
                region_code=region_code,
                address=point.address,
                latitude=latitude,
                longitude=longitude,
                perm=Perm.RENTAL_OPERATE,
            )
            point.save(update_fields=["facility", "updated_at"])
        audit(
            ctx,
            entity_id=f"point:{point.pk}",
            region_code=region_code,
            message=gettext_noop("Rental point %(name)s opened"),
            params={"name": point.name},
            action=AuditAction.CREATE,
        )
    return point


def unit_register(
    *,
    ctx: AuditContext,
    point: RentalPoint,
    product: Any,
    serial: str,
    lot: str = "",
    condition: str = Condition.NEW,
    acquired_on: dt.date | None = None,
) -> Unit:
    """A new unit enters the stock of a rental point, available."""
    require(ctx, Perm.RENTAL_OPERATE, point.region_id)
    serial = (serial or "").strip()
    errors = text_errors({"serial": serial, "lot": lot})
    if not serial:
        errors.append(FieldError("serial", "required", _("Enter the serial number.")))
    if condition not in Condition.values:
        errors.append(FieldError("condition", "choice_invalid", _("Choose a condition.")))
    if not product.rentable:
        errors.append(
            FieldError("product", codes.NOT_RENTABLE, _("This product is sold only, not rented."))
        )
    if errors:
        raise ValidationFailed(errors)
    try:
        with transaction.atomic():
            unit = Unit.objects.create(
                product=product,
                serial=serial[:64],
                lot=lot.strip()[:32],
                point=point,
                region_id=point.region_id,
                owner=point.operator,
                condition=condition,
                acquired_on=acquired_on,
            )
            UnitEvent.objects.create(
                unit=unit,
                from_state="",
                to_state=UnitState.AVAILABLE,
                actor=ctx.actor if getattr(ctx.actor, "pk", None) else None,
                actor_label=actor_label(ctx),
                at=timezone.now(),
                reason="registered",
            )
            audit(
                ctx,
                entity_id=f"unit:{unit.pk}",
                region_code=point.region_id,
                message=gettext_noop("Unit %(serial)s registered"),
                params={"serial": serial},
                action=AuditAction.CREATE,
            )
    except IntegrityError:
        raise ValidationFailed(
            [
                FieldError(
                    "serial",
                    codes.SERIAL_TAKEN,
                    _("A unit of this product with this serial number is already registered."),
                )
            ]
        ) from None
    return unit


def cleaning_record(
    *,
    ctx: AuditContext,
    unit: Unit,
    method: str,
    agent: str,
    performed_at: dt.datetime | None = None,
    note: str = "",
    make_available: bool = True,
) -> CleaningRecord:
    """Record a cleaning and disinfection. A returned unit goes through "being cleaned";
    with ``make_available`` it is back in stock at once (unless a repair is open)."""
    require(ctx, Perm.RENTAL_OPERATE, unit.region_id)
    agent = (agent or "").strip()
    errors = text_errors({"agent": agent, "note": note})
    if method not in CleaningMethod.values:
        errors.append(FieldError("method", "choice_invalid", _("Choose the method.")))
    if not agent:
        errors.append(FieldError("agent", "required", _("Name the disinfectant used.")))
    when = performed_at or timezone.now()
    if when > timezone.now() + dt.timedelta(minutes=5):
        errors.append(
            FieldError("performed_at", codes.DATE_INVALID, _("The time is in the future."))
        )
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        locked = lock_unit(unit.pk)
        if locked.state not in (UnitState.RETURNED, UnitState.CLEANING, UnitState.REPAIR):
            raise DomainError(
                code=codes.TRANSITION_ILLEGAL,
                status=409,
                message=_(
                    "Only a returned unit, or one being cleaned or repaired, is cleaned: "
                    "this one is “%(state)s”."
                )
                % {"state": state_label(locked.state)},
            )
        record = CleaningRecord.objects.create(
            unit=locked,
            method=method,
            agent=agent[:100],
            operator=ctx.actor if getattr(ctx.actor, "pk", None) else None,
            operator_name=actor_label(ctx),
            performed_at=when,
            note=note[:200],
        )
        if locked.state == UnitState.RETURNED:
            move(ctx, locked, UnitState.CLEANING, "cleaning_recorded")
        locked.needs_cleaning = False
        open_repair = RepairRecord.objects.filter(unit=locked, outcome=RepairOutcome.OPEN).exists()
        if make_available and not open_repair and not locked.recall_hold:
            move(ctx, locked, UnitState.AVAILABLE, "cleaned")
        locked.save(update_fields=["state", "needs_cleaning", "updated_at"])
        audit(
            ctx,
            entity_id=f"unit:{locked.pk}",
            region_code=locked.region_id,
            message=gettext_noop("Unit %(serial)s cleaned (%(method)s, %(agent)s)"),
            params={"serial": locked.serial, "method": method, "agent": agent},
            action=AuditAction.CREATE,
        )
    unit.state, unit.needs_cleaning = locked.state, locked.needs_cleaning
    return record


def repair_open(*, ctx: AuditContext, unit: Unit, fault: str) -> RepairRecord:
    require(ctx, Perm.RENTAL_OPERATE, unit.region_id)
    fault = (fault or "").strip()
    errors = text_errors({"fault": fault})
    if not fault:
        errors.append(FieldError("fault", "required", _("Describe the fault.")))
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        locked = lock_unit(unit.pk)
        if RepairRecord.objects.filter(unit=locked, outcome=RepairOutcome.OPEN).exists():
            raise DomainError(
                code=codes.REPAIR_OPEN, status=409, message=_("A repair is already in progress.")
            )
        if locked.state != UnitState.REPAIR:
            move(ctx, locked, UnitState.REPAIR, fault)
            locked.location = Location.RENTAL_POINT
            locked.holder = None
            locked.save(update_fields=["state", "location", "holder", "updated_at"])
        record = RepairRecord.objects.create(
            unit=locked,
            fault=fault[:300],
            opened_at=timezone.now(),
            opened_by=ctx.actor if getattr(ctx.actor, "pk", None) else None,
        )
        audit(
            ctx,
            entity_id=f"unit:{locked.pk}",
            region_code=locked.region_id,
            message=gettext_noop("Repair opened: %(fault)s"),
            params={"fault": fault},
            action=AuditAction.CREATE,
        )
    unit.state = locked.state
    return record


def repair_close(
    *, ctx: AuditContext, repair: RepairRecord, outcome: str, parts: str = "", cost_fen: int = 0
) -> RepairRecord:
    """Close a repair: a repaired unit goes to cleaning (it is cleaned before it goes out);
    one that cannot be repaired is retired."""
    unit = repair.unit
    require(ctx, Perm.RENTAL_OPERATE, unit.region_id)
    errors = text_errors({"parts": parts})
    if outcome not in (RepairOutcome.REPAIRED, RepairOutcome.UNREPAIRABLE):
        errors.append(FieldError("outcome", "choice_invalid", _("Choose the outcome.")))
    if isinstance(cost_fen, bool) or not isinstance(cost_fen, int) or not 0 <= cost_fen <= MAX_FEN:
        errors.append(FieldError("cost_fen", codes.AMOUNT_INVALID, _("Give the cost in fen.")))
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        locked = lock_unit(unit.pk)
        record = RepairRecord.objects.select_for_update().get(pk=repair.pk)
        if record.outcome != RepairOutcome.OPEN:
            raise DomainError(
                code=codes.REPAIR_CLOSED, status=409, message=_("This repair is already closed.")
            )
        record.outcome = outcome
        record.parts = parts[:300]
        record.cost_fen = cost_fen
        record.closed_at = timezone.now()
        record.save(update_fields=["outcome", "parts", "cost_fen", "closed_at"])
        if locked.state == UnitState.REPAIR:
            if outcome == RepairOutcome.REPAIRED:
                move(ctx, locked, UnitState.CLEANING, "repaired")
                locked.needs_cleaning = True
            else:
                move(ctx, locked, UnitState.RETIRED, "unrepairable")
            locked.save(update_fields=["state", "needs_cleaning", "updated_at"])
        audit(
            ctx,
            entity_id=f"unit:{locked.pk}",
            region_code=locked.region_id,
            message=gettext_noop("Repair closed: %(outcome)s"),
            params={"outcome": outcome},
        )
    return record


def incident_report(
    *,
    ctx: AuditContext,
    unit: Unit,
    kind: str,
    severity: str,
    occurred_on: dt.date,
    description: str,
    elder: Any = None,
) -> Incident:
    """A product incident or injury report, linked to the unit and its product; visible to
    inspectors of the area."""
    require(ctx, Perm.RENTAL_OPERATE, unit.region_id)
    description = (description or "").strip()
    errors = text_errors({"description": description}, multiline=("description",))
    if kind not in IncidentKind.values:
        errors.append(FieldError("kind", "choice_invalid", _("Choose the kind.")))
    if severity not in Severity.values:
        errors.append(FieldError("severity", "choice_invalid", _("Choose the severity.")))
    if not description:
        errors.append(FieldError("description", "required", _("Describe what happened.")))
    if occurred_on > timezone.localdate():
        errors.append(
            FieldError("occurred_on", codes.DATE_INVALID, _("The date is in the future."))
        )
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        incident = Incident.objects.create(
            unit=unit,
            product_id=unit.product_id,
            region_id=unit.region_id,
            elder=elder if elder is not None else unit.holder,
            kind=kind,
            severity=severity,
            occurred_on=occurred_on,
            description=description[:4000],
            reported_by=ctx.actor if getattr(ctx.actor, "pk", None) else None,
        )
        audit(
            ctx,
            entity_id=f"incident:{incident.pk}",
            region_code=unit.region_id,
            message=gettext_noop("%(kind)s reported on unit %(serial)s"),
            params={"kind": kind, "serial": unit.serial},
            action=AuditAction.CREATE,
        )
    return incident


def fault_report_by_holder(
    *, ctx: AuditContext, elder: Any, lease: Any, description: str
) -> Incident:
    """The elder holding a leased unit (or a family member acting for them, from the portal)
    reports a fault: the same malfunction incident operators record
    (``incident_report``), on the operator's incident list. No ``rental.operate``: the
    account must be one the registry says acts for the elder
    (``elders.selectors.account_acts_for``), and the lease the elder's active one."""
    from silvercare.accounts.scoping import actor_has_perm
    from silvercare.elders.selectors import account_acts_for

    if (
        not actor_has_perm(ctx.actor, Perm.PORTAL_USE)
        or not account_acts_for(user=ctx.actor, elder_id=elder.pk)
        or lease.elder_id != elder.pk
        or lease.status != "active"
    ):
        raise DomainError(
            code=codes.PERMISSION_DENIED,
            status=403,
            message=_("You may not do this for this area."),
        )
    description = (description or "").strip()
    errors = text_errors({"description": description}, multiline=("description",))
    if not description:
        errors.append(FieldError("description", "required", _("Say what is wrong with it.")))
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        unit = lease.unit
        incident = Incident.objects.create(
            unit=unit,
            product_id=unit.product_id,
            region_id=unit.region_id,
            elder=elder,
            kind=IncidentKind.MALFUNCTION,
            severity=Severity.MINOR,
            occurred_on=timezone.localdate(),
            description=description[:4000],
            reported_by=ctx.actor if getattr(ctx.actor, "pk", None) else None,
        )
        audit(
            ctx,
            entity_id=f"incident:{incident.pk}",
            region_code=unit.region_id,
            message=gettext_noop("The holder reported a fault on unit %(serial)s"),
            params={"kind": IncidentKind.MALFUNCTION, "serial": unit.serial},
            action=AuditAction.CREATE,
        )
    return incident
