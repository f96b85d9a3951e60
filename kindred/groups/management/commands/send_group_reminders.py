"""Hourly: remind registered families of their next group session (cron, or --enqueue)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Send reminders before support group sessions to the families registered."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--enqueue", action="store_true", help="Queue the work for the task worker."
        )

    def handle(self, *args: Any, enqueue: bool = False, **options: Any) -> None:
        if enqueue:
            from kindred.groups.tasks import group_reminders

            group_reminders.enqueue()
            self.stdout.write("Queued group reminders.")
            return
        from kindred.groups.reminders import send_group_reminders

        self.stdout.write(f"Sent {send_group_reminders()} group reminders.")
