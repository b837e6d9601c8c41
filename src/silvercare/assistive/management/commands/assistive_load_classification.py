"""`silvercare assistive-load-classification`: (re)load the ISO 9999 / GB/T 16432 device types,
national catalogue numbers and the WHO priority list from assistive/data/ (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from silvercare.assistive.classification import load_classification


class Command(BaseCommand):
    help = "Load the assistive-product classification and the WHO priority list (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = load_classification()
        self.stdout.write(
            f"{counts['device_types']} device types and {counts['who_priority']} WHO priority "
            "items loaded."
        )
