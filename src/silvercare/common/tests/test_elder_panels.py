from __future__ import annotations

from typing import Any

from django.test import RequestFactory

from silvercare.common import elder_panels
from silvercare.common.elder_panels import ElderPanel, panels_for, register


def test_panels_render_in_order_and_hidden_ones_are_left_out(monkeypatch: Any) -> None:
    monkeypatch.setattr(elder_panels, "_PANELS", {})
    register(ElderPanel("late", "late.html", lambda request, elder: {"n": 2}, order=50))
    register(ElderPanel("early", "early.html", lambda request, elder: {"n": elder}, order=10))
    register(ElderPanel("hidden", "hidden.html", lambda request, elder: None, order=20))
    register(ElderPanel("late", "late2.html", lambda request, elder: {"n": 3}, order=50))

    shown = panels_for(RequestFactory().get("/"), 1)

    assert [(p.key, p.template, p.context) for p in shown] == [
        ("early", "early.html", {"n": 1}),
        ("late", "late2.html", {"n": 3}),
    ]
