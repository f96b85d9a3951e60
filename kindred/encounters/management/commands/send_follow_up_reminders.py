"""Daily: e-mail mentors the follow-ups that are due (cron, 7 am). Idempotent: a follow-up is
reminded once, whatever the number of runs."""

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kindred.encounters.reminders import send_follow_up_reminders


class Command(BaseCommand):
    help = "Send mentors reminders of the follow-ups that are due."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--on", type=date.fromisoformat, default=None, help="Pretend today is YYYY-MM-DD."
        )

    def handle(self, *args: Any, on: date | None = None, **options: Any) -> None:
        count = send_follow_up_reminders(on)
        self.stdout.write(f"Reminded about {count} follow-up(s).")
