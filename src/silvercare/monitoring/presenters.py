"""Readings in words for the pages (kind names and values with units, translated)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

KIND_LABELS = {
    "hr": gettext_lazy("Heart rate"),
    "spo2": gettext_lazy("Blood oxygen"),
    "bp": gettext_lazy("Blood pressure"),
    "glucose": gettext_lazy("Blood glucose"),
    "temperature": gettext_lazy("Body temperature"),
    "location": gettext_lazy("Location"),
    "steps": gettext_lazy("Steps"),
    "accel": gettext_lazy("Movement data"),
    "sos": gettext_lazy("SOS call"),
    "fall_flag": gettext_lazy("Fall detected by the device"),
    "fall_cancel": gettext_lazy("Fall cancelled by the wearer"),
    "motion": gettext_lazy("Movement at home"),
    "door": gettext_lazy("Door"),
    "bed": gettext_lazy("Bed"),
    "smoke": gettext_lazy("Smoke"),
    "gas": gettext_lazy("Gas"),
    "water_leak": gettext_lazy("Water leak"),
    "pill_box": gettext_lazy("Pill box"),
    "battery": gettext_lazy("Battery"),
    "heartbeat": gettext_lazy("Device online"),
}


def unit_label(unit: str) -> str:
    """A unit as the page shows it ("mmHg" → "毫米汞柱" in Chinese)."""
    labels = {"bpm": _("beats/min"), "mmHg": _("mmHg"), "mmol/L": _("mmol/L")}
    return labels.get(unit, unit)


def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))


def reading_text(kind: str, value: dict[str, Any]) -> str:
    """E.g. "72 次/分", "148/91 mmHg", "已打开"."""
    v = value
    if kind == "hr" and "bpm" in v:
        return _("%(n)s beats/min") % {"n": v["bpm"]}
    if kind in {"spo2", "battery"} and "percent" in v:
        return f"{v['percent']}%"
    if kind == "bp" and "systolic" in v:
        return f"{v['systolic']}/{v.get('diastolic', '–')} {unit_label('mmHg')}"
    if kind == "glucose" and "mmol_l" in v:
        return f"{v['mmol_l']} {unit_label('mmol/L')}"
    if kind == "temperature" and "celsius" in v:
        return f"{v['celsius']} °C"
    if kind == "location" and "lat" in v:
        return f"{v['lat']:.4f}, {v['lon']:.4f}"
    if kind == "steps" and "count" in v:
        return _("%(n)s steps") % {"n": v["count"]}
    if kind == "sos":
        return _("pressed %(n)s times") % {"n": v.get("presses", 1)}
    if kind == "door":
        return _("opened") if v.get("open") else _("closed")
    if kind == "bed":
        return _("in bed") if v.get("occupied") else _("out of bed")
    if kind in {"smoke", "gas", "water_leak"}:
        return _("alarm") if v.get("alarm") else _("normal")
    if kind == "pill_box":
        return _("opened")
    if kind == "accel":
        return _("%(n)s samples") % {
            "n": v.get("samples", 0)
            if isinstance(v.get("samples"), int)
            else len(v.get("samples", []))
        }
    return ""
