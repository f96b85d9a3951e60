"""`manage.py fhir_demo assertion [--token-url URL]`: a signed client assertion for the demo
EHR client; `manage.py fhir_demo bundle`: the Gravity referral bundle. For the curl
walk-through of docs/fhir.md; DEBUG only (the demo key is published)."""

import json
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kindred.fhir import demo


class Command(BaseCommand):
    help = "Print a client assertion for the demo EHR client, or a Gravity referral bundle."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=["assertion", "bundle"])
        parser.add_argument(
            "--token-url",
            default="http://127.0.0.1:8000/fhir/auth/token",
            help="the token endpoint the assertion is for (its aud claim)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("fhir_demo signs with a published key: DEBUG only.")
        if options["what"] == "assertion":
            self.stdout.write(demo.assertion(options["token_url"]))
        else:
            self.stdout.write(json.dumps(demo.gravity_bundle(), indent=1))
