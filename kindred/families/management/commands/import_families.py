"""Import families from a CSV/XLSX file from the command line: all rows or none.

manage.py import_families --program riverbend-family-partners --by coordinator@... file.csv
"""

import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from kindred.accounts.models import User
from kindred.families import importer
from kindred.programs.models import Program


class Command(BaseCommand):
    help = "Import families from a spreadsheet into a program (all rows or none)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file")
        parser.add_argument("--program", required=True, help="The program's slug.")
        parser.add_argument("--by", required=True, help="E-mail of the person importing.")
        parser.add_argument(
            "--pause-midway",
            type=float,
            default=0,
            help="Testing: after the families are written, pause this many seconds (so a test "
            "can kill the process mid-import and check that nothing was left).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        program = Program.objects.filter(slug=options["program"]).first()
        user = User.objects.filter(email__iexact=options["by"]).first()
        if program is None or user is None:
            raise CommandError("Unknown program or user.")
        headers, rows = importer.read_table(path.name, path.read_bytes())
        preview = importer.validate(
            program=program, headers=headers, rows=rows, mapping=importer.guess_mapping(headers)
        )
        if not preview.ok:
            for number, problems in sorted(preview.errors.items()):
                for problem in problems:
                    self.stderr.write(f"row {number}: {problem}")
            raise CommandError("Nothing was imported: some rows have errors.")

        def progress(stage: str, count: int) -> None:
            self.stdout.write(f"{stage} {count}")
            sys.stdout.flush()
            if stage == "families" and options["pause_midway"]:
                self.stdout.write("paused")
                self.stdout.flush()
                time.sleep(options["pause_midway"])

        count = importer.import_rows(program=program, preview=preview, by=user, progress=progress)
        self.stdout.write(self.style.SUCCESS(f"{count} families imported."))
