from typing import Any

from django.core.management.base import BaseCommand

from silvercare.regions.services import regions_load_divisions


class Command(BaseCommand):
    help = "Load the shipped real divisions (Guangdong and Shanghai, province to county)."

    def handle(self, *args: Any, **options: Any) -> None:
        count = regions_load_divisions()
        self.stdout.write(f"{count} regions loaded.")
