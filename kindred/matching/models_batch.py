"""A batch matching run: the backlog's optimal proposal, computed by a background task
(kindred/matching/tasks.py), reviewed and approved in bulk by a coordinator (batch_views.py).

Not a health record with a life of its own, so no status machine: a run is queued until the
task starts it, running while `progress` < 1, done when `finished_at` is set, failed when
`error` is. The proposal holds family and mentor ids and scores only; names and reasons are
read again from the database when the page is shown.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kindred.programs.access import ScopedQuerySet
from kindred.programs.permissions import Cap


class BatchRunQuerySet(ScopedQuerySet["BatchRun"]):
    VIEW_CAPABILITY = Cap.MATCHING_MANAGE
    PROGRAM_FIELD = "program"


class BatchRun(models.Model):
    program = models.ForeignKey(
        "programs.Program", on_delete=models.PROTECT, related_name="matching_batches"
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    progress = models.FloatField(default=0.0)
    families = models.PositiveIntegerField(default=0)  # families considered
    # [{"family": id, "mentor": id, "score": n}], best pairs of the optimum
    pairs = models.JSONField(default=list, blank=True)
    unmatched = models.JSONField(default=list, blank=True)  # [{"family": id, "why": text}]
    total = models.IntegerField(default=0)
    greedy_total = models.IntegerField(default=0)
    greedy_matched = models.IntegerField(default=0)
    error = models.TextField(blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = BatchRunQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__gte=0) & models.Q(progress__lte=1),
                name="matching_batchrun_progress_0_1",
            )
        ]
        verbose_name = _("batch matching run")

    def __str__(self) -> str:
        return f"batch {self.pk} of {self.program_id}"

    @property
    def done(self) -> bool:
        return self.finished_at is not None and not self.error

    @property
    def running(self) -> bool:
        return self.finished_at is None and not self.error

    @property
    def percent(self) -> int:
        return round(100 * self.progress)

    @property
    def gain(self) -> int:
        return self.total - self.greedy_total

    @property
    def gain_percent(self) -> int | None:
        return round(100 * self.gain / self.greedy_total) if self.greedy_total else None
