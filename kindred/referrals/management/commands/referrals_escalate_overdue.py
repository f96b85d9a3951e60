from typing import Any

from django.core.management.base import BaseCommand

from kindred.referrals.notifications import escalate_overdue


class Command(BaseCommand):
    help = (
        "Notify coordinators and supervisors of referrals whose first contact is overdue. "
        "Idempotent: each referral is escalated once. Run it from cron every few minutes, or "
        "pass --enqueue to hand it to the task worker."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--enqueue", action="store_true", help="Queue it for db_worker.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            escalate_overdue.enqueue()
            self.stdout.write("Escalation queued.")
            return
        count = escalate_overdue.call()
        self.stdout.write(f"{count} overdue referral(s) escalated.")
