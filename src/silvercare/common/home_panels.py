"""Sections other capabilities add to the signed-in home page, without the accounts app
importing them (the home page's counterpart of ``common.elder_panels``).

An app registers a panel in its ``AppConfig.ready()``::

    from silvercare.common.home_panels import HomePanel, register

    register(HomePanel("fraud_warnings", "supervision/home_panel.html", warnings_panel, order=10))

``context(request)`` reads through the app's own selectors and returns the template's context,
or ``None`` when there is nothing for this user (then nothing is shown). The home page renders
the panels in ``order`` above the role sections; each template gets its context as ``panel``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest


@dataclass(frozen=True, slots=True)
class HomePanel:
    key: str
    template: str
    context: Callable[[HttpRequest], dict[str, Any] | None]
    order: int = 100


@dataclass(frozen=True, slots=True)
class RenderedHomePanel:
    key: str
    template: str
    context: dict[str, Any]


_PANELS: dict[str, HomePanel] = {}


def register(panel: HomePanel) -> None:
    """Add (or replace, by key) a panel; idempotent so a reloaded app does not add it twice."""
    _PANELS[panel.key] = panel


def panels_for(request: HttpRequest) -> list[RenderedHomePanel]:
    shown = []
    for panel in sorted(_PANELS.values(), key=lambda p: (p.order, p.key)):
        context = panel.context(request)
        if context is not None:
            shown.append(RenderedHomePanel(panel.key, panel.template, context))
    return shown
