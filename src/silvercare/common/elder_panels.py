"""Sections other capabilities add to the elder page, without the elders app importing them.

An app registers a panel in its ``AppConfig.ready()``::

    from silvercare.common.elder_panels import ElderPanel, register

    register(ElderPanel("rental", "rental/elder_panel.html", rental_panel_context, order=40))

``context(request, elder)`` reads through the app's own selectors and returns the template's
context, or ``None`` when the user may not see that capability for this elder (then nothing is
shown). The elder page renders the panels in ``order``; each template gets its context as
``panel``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest


@dataclass(frozen=True, slots=True)
class ElderPanel:
    key: str
    template: str
    context: Callable[[HttpRequest, Any], dict[str, Any] | None]
    order: int = 100


@dataclass(frozen=True, slots=True)
class RenderedPanel:
    key: str
    template: str
    context: dict[str, Any]


_PANELS: dict[str, ElderPanel] = {}


def register(panel: ElderPanel) -> None:
    """Add (or replace, by key) a panel; idempotent so a reloaded app does not add it twice."""
    _PANELS[panel.key] = panel


def panels_for(request: HttpRequest, elder: Any) -> list[RenderedPanel]:
    shown = []
    for panel in sorted(_PANELS.values(), key=lambda p: (p.order, p.key)):
        context = panel.context(request, elder)
        if context is not None:
            shown.append(RenderedPanel(panel.key, panel.template, context))
    return shown
