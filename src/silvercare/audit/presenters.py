"""Turn audit events into what a person reads: who, what, which record, and the changes as
plain label/value lines in the active language.

The stored rows are facts for machines (``{"hukou_type": [null, "local_urban"]}``,
``"answers saved"``); this module is the one place that turns them into sentences. It must
never fail on a row it does not know: an unknown action, entity, key or value shape falls
back to a readable generic form (the audit trail is the page that must always answer).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from silvercare.accounts.roles import Role
from silvercare.assessments.choices import Reason, Status, TriggerReason
from silvercare.audit import vocabulary as vocabularies
from silvercare.audit.models import AuditAction, AuditEvent
from silvercare.audit.vocabulary import Vocabulary
from silvercare.elders.choices import (
    Category,
    ConsentPurpose,
    ElderStatus,
    HukouType,
    LivingSituation,
    Relationship,
    Sex,
)

EMPTY = "—"
logger = logging.getLogger(__name__)


@dataclass
class Line:
    label: str
    value: str


@dataclass
class EventView:
    """One audit row as the pages show it."""

    at: dt.datetime
    who: str
    what: str
    record: str
    url: str
    lines: list[Line] = field(default_factory=list)
    via: str = ""
    ip_address: str = ""


# --- labels -------------------------------------------------------------------------------

ELDER_FIELDS = {
    "name": gettext_lazy("Name"),
    "id_number": gettext_lazy("ID card number"),
    "birth_date": gettext_lazy("Birth date"),
    "sex": gettext_lazy("Sex"),
    "phone": gettext_lazy("Phone"),
    "address": gettext_lazy("Address"),
    "region_code": gettext_lazy("Community"),
    "latitude": gettext_lazy("Latitude"),
    "longitude": gettext_lazy("Longitude"),
    "hukou_type": gettext_lazy("Hukou type"),
    "living_situation": gettext_lazy("Living situation"),
    "categories": gettext_lazy("Categories"),
    "status": gettext_lazy("Status"),
    "status_date": gettext_lazy("Status since"),
    "contacts": gettext_lazy("Contacts"),
    "reassessment_due_on": gettext_lazy("Reassessment due"),
}
PII_FIELDS = {
    "id_number": gettext_lazy("ID card number"),
    "phone": gettext_lazy("Phone"),
    "address": gettext_lazy("Address"),
    "contacts.phone": gettext_lazy("Contacts' phones"),
}
EXPORT_FILTERS = {
    "q": gettext_lazy("Search"),
    "region": gettext_lazy("Area"),
    "category": gettext_lazy("Category"),
    "age_min": gettext_lazy("Age from"),
    "age_max": gettext_lazy("Age to"),
    "status": gettext_lazy("Status"),
    "sort": gettext_lazy("Sort by"),
}
POLICY_FIELDS = {
    "reassessment_months": gettext_lazy("routine interval (months)"),
    "requires_two_assessors": gettext_lazy("two assessors required"),
    "stack_raises": gettext_lazy("level raises add up"),
    "coma_level": gettext_lazy("Level for coma"),
    "risk_event_threshold": gettext_lazy("Care-risk events that raise the level"),
    "risk_event_counting": gettext_lazy("How care-risk events are counted"),
    "ltc_grading_confirmed": gettext_lazy(
        "apply the commonly quoted LTC 2021 grading (regional setting to be confirmed)"
    ),
    "note": gettext_lazy("Note"),
}
USER_FIELDS = {
    "display_name": gettext_lazy("Display name"),
    "first_name": gettext_lazy("First name"),
    "last_name": gettext_lazy("Last name"),
    "email": gettext_lazy("Email"),
    "is_active": gettext_lazy("Active"),
}
VIA = {
    "web": gettext_lazy("Web page"),
    "api": gettext_lazy("API"),
    "import": gettext_lazy("Spreadsheet import"),
    "command": gettext_lazy("Command line"),
    "admin": gettext_lazy("Back office"),
    "task": gettext_lazy("Background task"),
    "event": gettext_lazy("Automatically, after a related change"),
    "service": gettext_lazy("Another service of SilverCare"),
}
CHOICES: dict[str, Any] = {
    "hukou_type": HukouType,
    "living_situation": LivingSituation,
    "sex": Sex,
    "category": Category,
    "relationship": Relationship,
}
ASSESSMENT_SUMMARIES = {
    "answers saved": gettext_lazy("Answers saved"),
    "scored": gettext_lazy("Scored"),
    "signed": gettext_lazy("Signed"),
    "cancelled": gettext_lazy("Cancelled"),
}


def _choice_label(enum: Any, value: Any) -> str:
    try:
        return str(enum(value).label)
    except ValueError:
        return str(value)


def _english() -> bool:
    return (get_language() or "").startswith("en")


def _colon() -> str:
    return ": " if _english() else "："


def _list_sep() -> str:
    return ", " if _english() else "、"


def _humanise(key: str) -> str:
    return key.replace("_", " ").replace(".", " ").strip().capitalize()


def _text(value: Any) -> str:
    """Any stored value as plain text: no Python or JSON syntax."""
    if value is None or value == "" or value == []:
        return EMPTY
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, (list, tuple, set)):
        return _list_sep().join(_text(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{_humanise(str(k))}: {_text(v)}" for k, v in value.items())
    if isinstance(value, str) and len(value) == 10 and value[4:5] == "-" and value[7:8] == "-":
        try:
            return date_format(dt.date.fromisoformat(value), "Y-m-d")
        except ValueError:
            return value
    return str(value)


def _pair(value: Any, fmt: Callable[[Any], str]) -> str:
    """``[old, new]`` as "old → new" (a creation shows the new value only)."""
    if isinstance(value, (list, tuple)) and len(value) == 2:
        old, new = value
        if old in (None, "", []):
            return fmt(new)
        if new in (None, "", []):
            return _("%(old)s → removed") % {"old": fmt(old)}
        return f"{fmt(old)} → {fmt(new)}"
    return fmt(value)


class _Regions:
    """Community names for codes, looked up once per page."""

    def __init__(self) -> None:
        self.names: dict[str, str] = {}
        # Other capabilities' presenters keep their own once-per-page look-ups here.
        self.lookups: dict[str, Any] = {}

    def __call__(self, code: Any) -> str:
        if not code:
            return EMPTY
        code = str(code)
        if code not in self.names:
            from silvercare.common.errors import NotFound
            from silvercare.regions.selectors import region_get

            try:
                self.names[code] = f"{region_get(code=code).name} ({code})"
            except NotFound:
                self.names[code] = code
        return self.names[code]


# --- per kind of record ---------------------------------------------------------------------


def _filter_value(key: str, value: Any, regions: _Regions) -> str:
    if key == "region" and len(str(value)) == 12:
        return regions(value)
    if key == "category":
        return _choice_label(Category, value)
    if key == "status":
        return _choice_label(ElderStatus, value)
    return _text(value)


def _elder_value(key: str, value: Any, regions: _Regions) -> str:
    if key == "region_code":
        return regions(value)
    if key == "categories":
        return _text([_choice_label(Category, v) for v in value or []]) if value else EMPTY
    if key == "status":
        return _choice_label(ElderStatus, value) if value else EMPTY
    if key == "contacts" and isinstance(value, str) and value[:2] in ("+ ", "- "):
        return value[2:]
    if key in CHOICES and value:
        return _choice_label(CHOICES[key], value)
    return _text(value)


def _elder_lines(changes: dict[str, Any], regions: _Regions) -> list[Line]:
    lines = []
    for key, value in changes.items():
        if key.startswith("consent."):
            purpose = _choice_label(ConsentPurpose, key.split(".", 1)[1])
            granted = value[1] if isinstance(value, (list, tuple)) and len(value) == 2 else value
            lines.append(
                Line(
                    _("Consent: %(purpose)s") % {"purpose": purpose},
                    _("granted") if granted else _("withdrawn"),
                )
            )
        elif key == "contacts" and isinstance(value, (list, tuple)) and len(value) == 2:
            added, removed = value[1], value[0]
            if added:
                lines.append(Line(_("Contact added"), _elder_value(key, added, regions)))
            if removed:
                lines.append(Line(_("Contact removed"), _elder_value(key, removed, regions)))
        else:
            label = str(ELDER_FIELDS.get(key, _humanise(key)))
            lines.append(
                Line(label, _pair(value, lambda v, k=key: _elder_value(k, v, regions)))  # type: ignore[misc]
            )
    return lines


def _form_label(code: str) -> str:
    from silvercare.assessments.forms_data import FIELDS

    field_ = FIELDS.get(code)
    if field_ is None:
        return {
            "A.4.1.icd10": _("Further ICD-10 codes"),
            "A.4.1.psychiatrist": _("Diagnosed by a psychiatrist"),
            "A.3.contact": _("Contact person (from the registry)"),
        }.get(code, code)
    english = _english()
    return f"{code} {field_.label_en if english else field_.label_zh}"


def _form_value(code: str, value: Any) -> str:
    from silvercare.assessments.forms_data import FIELDS

    field_ = FIELDS.get(code)
    if field_ is None or not field_.options:
        if isinstance(value, list) and value and isinstance(value[0], dict):
            return _("%(n)d rows") % {"n": len(value)}
        return _text(value)
    english = _english()
    labels = {o.value: (o.label_en if english else o.label_zh) for o in field_.options}
    if isinstance(value, list):
        return _text([labels.get(v, v) for v in value])
    return labels.get(value, _text(value))


def _item_label(code: str) -> str:
    from silvercare.assessments.instruments import all_instruments

    english = _english()
    for instrument in all_instruments():
        try:
            item = instrument.item(code)
        except KeyError:
            continue
        return f"{code} {item.title_en if english else item.title_zh}"
    return code


def _answers_lines(changes: dict[str, Any]) -> list[Line]:
    lines: list[Line] = []
    items, forms = changes.get("items"), changes.get("forms")
    # Rows written before answers carried their old and new values list the codes only.
    if isinstance(items, list) and items:
        lines.append(Line(_("Items answered"), _list_sep().join(_item_label(c) for c in items)))
    elif isinstance(items, dict):
        for code, pair in items.items():
            lines.append(Line(_item_label(code), _pair(pair, _text)))
    if isinstance(forms, list) and forms:
        lines.append(Line(_("Form fields saved"), _list_sep().join(_form_label(c) for c in forms)))
    elif isinstance(forms, dict):
        for code, pair in forms.items():
            lines.append(Line(_form_label(code), _pair(pair, lambda v, c=code: _form_value(c, v))))  # type: ignore[misc]
    registry = changes.get("registry")
    if isinstance(registry, list) and registry:
        lines.append(
            Line(
                _("Registry updated from the form"),
                _list_sep().join(str(ELDER_FIELDS.get(k, _humanise(k))) for k in registry),
            )
        )
    if not lines:
        lines.append(Line(_("Changes"), _("nothing changed")))
    return lines


def _assessment_view(ev: AuditEvent) -> tuple[str, list[Line]]:
    summary, changes = ev.summary, ev.changes or {}
    lines: list[Line] = []
    if summary.startswith("booked"):
        what = _("Assessment booked")
        if changes.get("assessor"):
            lines.append(Line(_("Assessor"), str(changes["assessor"])))
        if changes.get("corrects"):
            lines.append(Line(_("Corrects an earlier assessment"), _("yes")))
        return what, lines
    if summary.startswith("completed"):
        what = _("Assessment completed")
    else:
        what = str(ASSESSMENT_SUMMARIES.get(summary, summary or AuditAction.UPDATE.label))
    if summary == "answers saved":
        return what, _answers_lines(changes)
    labels = {
        "total": _("Total score"),
        "final_level": _("Final level"),
        "by": _("Signed by"),
        "note": _("Note"),
        "status": _("Status"),
        "reason": _("Reason"),
    }
    for key, value in changes.items():
        if key == "status":
            text = _pair(value, lambda v: _choice_label(Status, v) if v else EMPTY)
        elif key == "reason":
            text = _choice_label(Reason, value)
        else:
            text = _pair(value, _text)
        lines.append(Line(str(labels.get(key, _humanise(key))), text))
    return what, lines


def _user_what(summary: str, regions: _Regions) -> str:
    kind, _sep, rest = summary.partition(" ")
    if kind == "user":
        name, colon, detail = rest.partition(": ")
        if not colon:
            if name.endswith(" (superuser)"):
                return _("National administrator account created: %(name)s") % {
                    "name": name.removesuffix(" (superuser)")
                }
            return _("User account created: %(name)s") % {"name": name}
        if detail == "password set":
            return _("Password set for %(name)s") % {"name": name}
        if detail == "password sign-in disabled":
            return _("Password sign-in disabled for %(name)s") % {"name": name}
        return _("User account changed: %(name)s") % {"name": name}
    if kind in ("grant", "revoke"):
        role, _at, code = rest.partition(" @ ")
        values = {"role": _choice_label(Role, role), "code": regions(code)}
        if kind == "grant":
            return _("Role granted: %(role)s in %(code)s") % values
        return _("Role revoked: %(role)s in %(code)s") % values
    if kind == "qualification":
        return _("Qualification recorded: %(number)s") % {"number": rest}
    return summary


def _token_what(summary: str) -> str:
    if summary.startswith("created token "):
        return _("API token created: %(name)s") % {"name": summary[len("created token ") :]}
    if summary.startswith("revoked token "):
        return _("API token revoked: %(name)s") % {"name": summary[len("revoked token ") :]}
    return summary


def _subsidies(ev: AuditEvent, view: EventView, regions: _Regions) -> bool:
    """A row the subsidies services wrote, read by that capability's presenter (names for
    codes, yuan for fen); False when it does not know the row's shape."""
    from silvercare.subsidies.presenters import AuditNames, audit_event_view

    found = audit_event_view(
        kind=ev.entity_type,
        action=ev.action,
        entity_id=ev.entity_id,
        summary=ev.summary,
        changes=ev.changes if isinstance(ev.changes, dict) else {},
        regions=regions,
        names=regions.lookups.setdefault("subsidies", AuditNames()),
    )
    if found is None:
        return False
    view.record, view.url = found.record, found.url
    view.what = found.what or view.what
    view.lines = [Line(str(label), value) for label, value in found.lines]
    return True


def _url(name: str, pk: str) -> str:
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return ""


def _with_vocabulary(
    ev: AuditEvent, view: EventView, vocab: Vocabulary | None, changes: dict[str, Any]
) -> EventView:
    """A row of a capability that registered its vocabulary (``audit.vocabulary``)."""
    params = ev.params if isinstance(ev.params, dict) else {}
    if ev.message:
        view.record = vocabularies.sentence(vocab, ev.message, params, _text, ev.summary)
    if vocab is not None:
        view.record = format_html("{}{}{}", vocab.record, _colon(), view.record)
        if vocab.url is not None:
            view.url = vocab.url(ev.entity_id)

    def line(key: str, raw: Any) -> Line:
        label = vocab.fields.get(key) if vocab is not None else None
        shown = _pair(raw, lambda one: vocabularies.value(vocab, key, one, _text))
        return Line(str(label) if label is not None else _humanise(key), shown)

    view.lines = [line(str(k), v) for k, v in changes.items()]
    return view


def _present(ev: AuditEvent, regions: _Regions) -> EventView:
    changes: dict[str, Any] = ev.changes if isinstance(ev.changes, dict) else {}
    action = _choice_label(AuditAction, ev.action)
    actor = ev.actor
    who = (getattr(actor, "display_name", "") or ev.actor_label) if actor else ev.actor_label
    if who in ("", "system", "None"):
        who = _("System")
    view = EventView(
        at=ev.at,
        who=who,
        what=action,
        record=ev.summary,
        url="",
        via=str(VIA.get(ev.via, ev.via)),
        ip_address=ev.ip_address or "",
    )
    kind = ev.entity_type
    subsidies = kind.startswith("subsidies.") or ev.summary.startswith("subsidy ")
    if subsidies and _subsidies(ev, view, regions):
        return view
    vocab = vocabularies.vocabulary_for(kind)
    if vocab is not None or ev.message:
        return _with_vocabulary(ev, view, vocab, changes)
    if ev.action == AuditAction.LOOKUP:
        what_kind = _("ID card number") if changes.get("kind") == "id_number" else _("Phone")
        view.record = _("Registry search")
        view.lines = [
            Line(_("Searched for"), f"{what_kind} {changes.get('value', ev.summary)}"),
            Line(_("Matches"), _text(changes.get("hits", 0))),
        ]
        if kind == "elder":
            view.url = _url("elders:detail", ev.entity_id)
        return view
    if ev.action == AuditAction.DUPLICATE_HIT:
        view.record = _("Registry")
        view.what = _("Attempt to register an ID number that is already registered")
        view.lines = [
            Line(_("ID card number"), _text(changes.get("id_number", ev.summary))),
            Line(_("Attempted in"), regions(changes.get("attempted_in"))),
        ]
        if changes.get("existing_visible") is False:
            view.lines.append(Line(_("Told where it is registered"), _("no")))
        view.url = _url("elders:detail", ev.entity_id)
        return view
    if kind == "elder":
        view.url = _url("elders:detail", ev.entity_id)
        if ev.summary.startswith("reassessment requested: "):
            reason = ev.summary.split(": ", 1)[1]
            view.what = _("Reassessment requested: %(reason)s") % {
                "reason": _choice_label(TriggerReason, reason)
            }
            view.record = _("Elder")
        else:
            view.record = _("Elder: %(name)s") % {"name": ev.summary}
        if ev.action == AuditAction.VIEW_PII:
            fields = changes.get("fields") or []
            view.lines = [
                Line(
                    _("Shown in full"), _list_sep().join(str(PII_FIELDS.get(f, f)) for f in fields)
                )
            ]
        else:
            view.lines = _elder_lines(changes, regions)
        return view
    if kind == "training":
        from silvercare.training.presenters import audit_what

        view.record, view.what = audit_what(ev.summary)
        return view
    if kind == "assessment":
        view.url = _url("assessments:detail", ev.entity_id)
        view.record = _("Assessment")
        view.what, view.lines = _assessment_view(ev)
        return view
    if kind == "elder_export":
        view.record = _("Registry export")
        filters = changes.get("filters") or {}
        view.lines = [
            Line(_("Rows exported"), _text(changes.get("rows", 0))),
            Line(_("Rows with full personal data"), _text(changes.get("unmasked_rows", 0))),
        ]
        if isinstance(filters, dict) and filters:
            parts = [
                str(EXPORT_FILTERS.get(key, _humanise(key)))
                + _colon()
                + _filter_value(key, value, regions)
                for key, value in filters.items()
                if key != "sort"
            ]
            view.lines.append(Line(_("Filters"), "; ".join(parts)))
        return view
    if kind == "import_batch":
        view.record = _("Spreadsheet import: %(file)s") % {"file": ev.summary.rsplit(": ", 1)[0]}
        view.lines = [
            Line(_("Rows imported"), _text(changes.get("imported", 0))),
            Line(_("Rows skipped (already registered)"), _text(changes.get("skipped", 0))),
        ]
        return view
    if kind == "user":
        view.record = _("User account")
        view.what = _user_what(ev.summary, regions)
        view.lines = [
            Line(str(USER_FIELDS.get(k, _humanise(k))), _pair(v, _text)) for k, v in changes.items()
        ]
        return view
    elif kind == "api_token":
        view.record = _("API token")
        view.what = _token_what(ev.summary)
    elif kind == "assessment_policy":
        view.record = _("Assessment rules of %(region)s") % {"region": regions(ev.region_code)}
        view.lines = [
            Line(str(POLICY_FIELDS.get(k, _humanise(k))), _pair(v, _text))
            for k, v in changes.items()
        ]
        return view
    view.lines = [Line(_humanise(str(k)), _pair(v, _text)) for k, v in changes.items()]
    return view


def _fallback(ev: AuditEvent) -> EventView:
    return EventView(
        at=ev.at,
        who=ev.actor_label,
        what=_choice_label(AuditAction, ev.action),
        record=ev.summary,
        url="",
        via=str(VIA.get(ev.via, ev.via)),
        ip_address=ev.ip_address or "",
    )


def audit_rows(events: Iterable[AuditEvent]) -> list[EventView]:
    """Every event of a page as plain lines (one region-name lookup per distinct code).
    A row this module cannot read is shown plainly rather than failing the page."""
    regions = _Regions()
    rows = []
    for ev in events:
        try:
            rows.append(_present(ev, regions))
        except Exception:
            logger.exception("audit event %s could not be presented", ev.pk)
            rows.append(_fallback(ev))
    return rows
