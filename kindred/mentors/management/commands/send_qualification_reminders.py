"""Daily: remind mentors and coordinators about qualifications that expire (cron, 7 am)."""

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kindred.mentors.reminders import send_qualification_reminders


class Command(BaseCommand):
    help = "Send reminders about mentor qualifications that expire soon or have expired."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--on", type=date.fromisoformat, default=None, help="Pretend today is YYYY-MM-DD."
        )
        parser.add_argument(
            "--enqueue", action="store_true", help="Queue the work for the task worker."
        )

    def handle(
        self, *args: Any, on: date | None = None, enqueue: bool = False, **options: Any
    ) -> None:
        if enqueue:
            from kindred.mentors.tasks import qualification_reminders

            qualification_reminders.enqueue()
            self.stdout.write("Queued qualification reminders.")
            return
        count = send_qualification_reminders(on)
        self.stdout.write(f"Reminded about {count} qualification(s).")
