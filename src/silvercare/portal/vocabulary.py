"""How the portal services' audit rows read on the audit page (``audit.vocabulary``).
Entity types: ``portal.account`` (a portal account opened) and ``portal.download`` (an
elder's download of their own data); sign-ins are rows of the ``user``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from silvercare.audit.vocabulary import Vocabulary

VOCABULARY = Vocabulary(
    record=_("My services"),
    fields={
        "username": _("User name"),
        "phone": _("Phone"),
        "format": _("Format"),
    },
    codes={"format": {"json": _("machine-readable file (JSON)"), "pdf": _("readable PDF")}},
    identifiers=frozenset({"username", "phone"}),
)
