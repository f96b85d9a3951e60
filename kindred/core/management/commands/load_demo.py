import base64
from typing import Any, TextIO, cast

from django.conf import settings
from django.core.management.base import BaseCommand
from django.test.utils import override_settings

from kindred.core import demo


class Command(BaseCommand):
    help = "Load the demo program (idempotent: safe to run again) and print the demo logins."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Only load when the database has no organization yet.",
        )
        parser.add_argument("--quiet-logins", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        from kindred.programs.models import Organization

        if (
            options["if_empty"]
            and Organization.objects.exists()
            and not Organization.objects.filter(slug="riverbend-childrens").exists()
        ):
            self.stdout.write("The database has its own programs: the demo is not loaded.")
            return
        # Demo people are fictional: the notifications their demo data triggers go nowhere.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            ctx = demo.load(stdout=cast(TextIO, self.stdout))
        if options["quiet_logins"]:
            return
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Kindred demo: {settings.SITE_URL}"))
        self.stdout.write(f"Every demo login uses the password: {ctx.password}")
        key = base64.b32encode(bytes.fromhex(settings.KINDRED_DEMO_TOTP_KEY)).decode()
        self.stdout.write(
            f"Second step (asked only without DEBUG): authenticator key {key} (TOTP, 30 s, 6 digits)"
        )
        for key, user in ctx.users.items():
            self.stdout.write(f"  {key:<22} {user.email}")
