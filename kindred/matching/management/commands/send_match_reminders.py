"""Daily: the early fit checks due and the matches that end soon (cron, 7 am)."""

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kindred.matching.reminders import match_reminders, send_match_reminders


class Command(BaseCommand):
    help = "Ask for the early fit checks that are due and remind about matches that end soon."

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
            match_reminders.enqueue()
            self.stdout.write("Queued match reminders.")
            return
        self.stdout.write(f"Sent {send_match_reminders(on)} match reminders.")
