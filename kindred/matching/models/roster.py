"""The version of a program's roster as the matching engine sees it (kindred/matching/roster.py).

Database triggers (migration 0004) bump `version` and draw a new random `token` in the same
transaction as every change of an engine input: a mentor's matching fields, their child's
conditions and experiences, their qualifications, the program's qualification types, a
condition's category. Whatever code writes (a service, `.update()`, `bulk_create`, the admin, a
data migration), the change and the bump commit or roll back together. The token makes a
version number a rolled-back transaction used never mistaken for the one that commits next.
"""

from django.db import models


class RosterVersion(models.Model):
    # No foreign-key constraint: the triggers write this row, also while a program's rows are
    # being deleted; a row left for a deleted program is never read.
    program = models.OneToOneField(
        "programs.Program",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        primary_key=True,
        related_name="+",
    )
    version = models.PositiveBigIntegerField(default=1)
    token = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.program_id}: {self.version}"
