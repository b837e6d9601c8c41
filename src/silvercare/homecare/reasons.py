"""Why a visit was not placed, stored as a code (``skill:escort``) and shown in the
reader's language; skill and flag labels."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from silvercare.homecare.choices import Flag
from silvercare.training.choices import Kind as CertificateKind

SKILL_LABELS = {
    "bathing": gettext_lazy("bathing"),
    "personal_care": gettext_lazy("personal care"),
    "cleaning": gettext_lazy("cleaning"),
    "walking": gettext_lazy("walking help"),
    "nursing": gettext_lazy("nursing"),
    "first_aid": gettext_lazy("first aid"),
    "escort": gettext_lazy("escorting"),
}


def skill_label(code: str) -> str:
    if code.startswith("cert:"):
        return certificate_label(code[5:])
    return str(SKILL_LABELS.get(code, code))


def certificate_label(kind: str) -> str:
    try:
        return str(CertificateKind(kind).label)
    except ValueError:
        return kind


def flag_label(code: str) -> str:
    try:
        return str(Flag(code).label)
    except ValueError:
        return code


# The solver's reasons (English, docs/routing.md) by how they start.
_SOLVER = [
    ("no caregiver has all the skills", "skills"),
    ("its pinned caregiver", "pinned"),
    ("its demand", "capacity"),
    ("no room left", "full"),
    ("max_visits", "booked"),
    ("its duration", "duration"),
    ("its window", "window"),
    ("it cannot be fitted around the breaks", "breaks"),
]


def from_solver(text: str) -> str:
    for start, code in _SOLVER:
        if text.startswith(start):
            return code
    return "no_fit"


def reason_text(value: str) -> str:
    """The stored code shown as a sentence (older plain text is shown as it is)."""
    code, _sep, param = value.partition(":")
    messages = {
        "no_caregiver": lambda: _("No caregiver is working that day."),
        "certificate": lambda: (
            _("No caregiver holds a valid certificate: %(kind)s.")
            % {"kind": certificate_label(param)}
        ),
        "skill": lambda: (
            _("No caregiver has the skill: %(skill)s.") % {"skill": skill_label(param)}
        ),
        "skills": lambda: _("No caregiver has every skill this visit needs."),
        "pinned": lambda: _("Its fixed caregiver cannot do it."),
        "capacity": lambda: _("It needs more carrying capacity than any caregiver has."),
        "booked": lambda: _("Every caregiver who could do it is fully booked."),
        "full": lambda: _("The rounds of the caregivers who could take it carry no more."),
        "duration": lambda: _("It is longer than what is left of the caregivers' shifts."),
        "window": lambda: _("Its time window lies outside the caregivers' (remaining) shifts."),
        "breaks": lambda: _("It does not fit around the caregivers' breaks."),
        "no_fit": lambda: _("No caregiver can fit it into the day (travel time and other visits)."),
    }
    message = messages.get(code)
    return str(message()) if message else value
