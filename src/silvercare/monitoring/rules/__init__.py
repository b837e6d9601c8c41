"""Monitoring rules: a pure-Python engine turning device readings into Signals.

No Django, no database: the ingest feeds :class:`Reading` values and persists each rule's
JSON state per elder; the alerts app turns non-clearing :class:`Signal` values into alerts.
Semantics of every rule and every reason code: ``docs/monitoring-rules.md``.

Reading (``rules.reading.Reading``): ``device_serial``, ``elder_id`` (str or UUID), ``kind``,
``ts`` (aware datetime, the measurement time) and ``values``. ``kind`` and ``values`` are the
message schema v1 of ``monitoring.schema`` as they are (``kind_of(message)``,
``value_of(message)``), so the ingest needs no adapter. What the rules read:

=================================  =======================================================
kind: fields                       rules
=================================  =======================================================
``hr``: ``bpm``                    thresholds (heart_rate)
``spo2``: ``percent``              thresholds (spo2)
``bp``: ``systolic``,              thresholds (bp_systolic, bp_diastolic, heart_rate)
``diastolic``, ``pulse``
``glucose``: ``mmol_l``            thresholds (glucose)
``temperature``: ``celsius``       thresholds (temperature)
``bed``: ``occupied``, ``hr``      inactivity (bed), thresholds (heart_rate)
``location``: ``lat``, ``lon``,    geofence
``accuracy_m``
``motion``, ``door``               inactivity (every reading is activity)
``sos``: ``presses`` (1)           sos
``fall_flag``, ``fall_cancel``     sos (fall signal, its clearing)
``pill_box``: ``opened`` (true),   medication
``compartment``
``battery``: ``percent``           device (battery)
every kind                         device (last seen)
=================================  =======================================================

Entry points: :func:`compile_rules` (per elder, cached by the caller), :func:`evaluate`
(per reading) and :func:`tick` (periodically) in ``rules.engine``; each rule module also
exposes ``evaluate(config, state, reading)`` and, where time matters,
``tick(config, state, now)``, both returning ``(state, signals)``. States are updated in
place (the returned state is the same dict) to keep the hot path free of copies.
"""

from silvercare.monitoring.rules.engine import ElderRules, compile_rules, evaluate, tick
from silvercare.monitoring.rules.errors import RuleConfigError
from silvercare.monitoring.rules.reading import Reading
from silvercare.monitoring.rules.signals import ALERT_KINDS, Signal

__all__ = [
    "ALERT_KINDS",
    "ElderRules",
    "Reading",
    "RuleConfigError",
    "Signal",
    "compile_rules",
    "evaluate",
    "tick",
]
