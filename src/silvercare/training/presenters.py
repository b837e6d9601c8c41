"""How the audit trail shows the training capability's events (``entity_type="training"``):
the summary's first word names the event, the rest is the course, person or number."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

EVENTS = {
    "qualification": gettext_lazy("Qualification recorded: %(what)s"),
    "revoke": gettext_lazy("Qualification revoked: %(what)s"),
    "course": gettext_lazy("Course created: %(what)s"),
    "session": gettext_lazy("Session scheduled: %(what)s"),
    "cancel": gettext_lazy("Session cancelled: %(what)s"),
    "enrol": gettext_lazy("Enrolled: %(what)s"),
    "waitlist": gettext_lazy("Put on the waiting list: %(what)s"),
    "withdraw": gettext_lazy("Withdrawn: %(what)s"),
    "promote": gettext_lazy("Given a place from the waiting list: %(what)s"),
    "attend": gettext_lazy("Attendance recorded: %(what)s"),
    "absent": gettext_lazy("Attendance removed: %(what)s"),
    "complete": gettext_lazy("Course completed: %(what)s"),
    "certificate": gettext_lazy("Certificate issued: %(what)s"),
}


def audit_what(summary: str) -> tuple[str, str]:
    """(record, what) of a training audit row, in the active language."""
    event, _sep, rest = summary.partition(" ")
    template = EVENTS.get(event)
    what = str(template) % {"what": rest} if template is not None else summary
    return _("Training and qualifications"), what
