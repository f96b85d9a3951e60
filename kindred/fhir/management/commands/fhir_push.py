"""Send the FHIR subscription notifications that are due (retries after a failure). Run it
from cron every few minutes unless the task backend defers retries itself (database backend)."""

from typing import Any

from django.core.management.base import BaseCommand

from kindred.fhir.push import deliver_due


class Command(BaseCommand):
    help = "Send the FHIR subscription notifications that are due (retries with backoff)."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = deliver_due()
        summary = ", ".join(f"{state}: {n}" for state, n in sorted(counts.items())) or "none due"
        self.stdout.write(summary)
