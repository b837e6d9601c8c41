"""The built-in escalation ladders, one per severity: what an alert follows where no ladder
row applies (none configured for its region, and the city-wide defaults that migration 0002
seeds were deleted). An alert therefore always escalates."""

from __future__ import annotations

# severity -> steps of (recipient, channels tried in order, delay after raise in seconds,
# remind every seconds; 0 = no reminder)
DEFAULT_LADDERS: dict[str, list[tuple[str, list[str], int, int]]] = {
    "critical": [
        ("family", ["sms", "voice"], 0, 120),
        ("community_worker", ["email", "console"], 120, 120),
        ("supervisor", ["console", "email"], 300, 120),
        ("emergency", ["voice", "webhook"], 600, 300),
    ],
    "urgent": [
        ("family", ["sms", "voice"], 0, 300),
        ("community_worker", ["email", "console"], 300, 300),
        ("supervisor", ["console", "email"], 900, 300),
        ("emergency", ["voice", "webhook"], 1800, 600),
    ],
    "warning": [
        ("family", ["sms"], 0, 1800),
        ("community_worker", ["email", "console"], 1800, 3600),
    ],
    "info": [
        ("community_worker", ["console"], 0, 0),
    ],
}
