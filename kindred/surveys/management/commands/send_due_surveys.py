"""Daily (cron), or --enqueue for db_worker: ask every family and mentor a survey is due."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Send the survey invitations that are due (idempotent: nobody is asked twice)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--enqueue", action="store_true", help="Queue the work for the task worker."
        )

    def handle(self, *args: Any, enqueue: bool = False, **options: Any) -> None:
        if enqueue:
            from kindred.surveys.tasks import send_due_surveys

            send_due_surveys.enqueue()
            self.stdout.write("Queued the survey invitations.")
            return
        from kindred.surveys.schedule import send_due

        self.stdout.write(f"Sent {send_due()} survey invitations.")
