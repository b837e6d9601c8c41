"""Seed the city-wide default escalation ladders (one per severity). Data only."""

from __future__ import annotations

from typing import Any

from django.db import migrations

# (recipient, channels tried in order, delay after raise in seconds, remind every seconds)
DEFAULTS: dict[str, list[tuple[str, list[str], int, int]]] = {
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


def seed(apps: Any, schema_editor: Any) -> None:
    Ladder = apps.get_model("alerts", "EscalationLadder")
    Step = apps.get_model("alerts", "EscalationStep")
    for severity, steps in DEFAULTS.items():
        if Ladder.objects.filter(region__isnull=True, severity=severity).exists():
            continue
        ladder = Ladder.objects.create(region=None, severity=severity, name=f"default {severity}")
        for position, (recipient, channels, delay, repeat) in enumerate(steps):
            Step.objects.create(
                ladder=ladder,
                position=position,
                recipient=recipient,
                channels=channels,
                delay_seconds=delay,
                repeat_seconds=repeat,
            )


def unseed(apps: Any, schema_editor: Any) -> None:
    apps.get_model("alerts", "EscalationLadder").objects.filter(
        region__isnull=True, name__startswith="default "
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("alerts", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
