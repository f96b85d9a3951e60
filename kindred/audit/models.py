from collections.abc import Iterable
from typing import Any, NoReturn

from django.conf import settings
from django.db import connections, models, router, transaction
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kindred.audit import chain


class AppendOnlyError(Exception):
    """Audit events are never changed or removed."""


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Audit events cannot be changed.")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("Audit events cannot be deleted.")

    def for_program(self, program_id: int) -> "AuditEventQuerySet":
        return self.filter(program_id=program_id)

    def bulk_create(  # type: ignore[override]
        self, objs: Iterable["AuditEvent"], *args: Any, **kwargs: Any
    ) -> list["AuditEvent"]:
        """Append many events in one go, chained in the order given."""
        events = list(objs)
        if any(event.pk is not None for event in events):
            raise AppendOnlyError("Audit events get their id from the database.")
        with transaction.atomic(using=self.db, savepoint=False):
            head_id, head_hash = chain.lock_and_read_head(connections[self.db])
            for event in events:
                head_hash = event._link(head_hash)
            created: list[AuditEvent] = super().bulk_create(events, *args, **kwargs)  # type: ignore[arg-type,assignment]
            ids = [event.pk for event in created]
            # The chain runs in id order: the ids must follow the order the rows were linked in.
            if (
                any(pk is None for pk in ids)
                or ids != sorted(set(ids))
                or (head_id is not None and ids and ids[0] <= head_id)
            ):
                raise AppendOnlyError("The database assigned ids out of the chain's order.")
        return created


class AuditEvent(models.Model):
    """One read, create, change, export or failed access of health information, or a login event.

    Append-only: the model refuses updates and deletes; on PostgreSQL a trigger refuses them
    in the database too (migration 0002), and TRUNCATE (0003), and the application's role may
    only insert and read (`manage.py db_roles`). Each row is chained to the one before it by a
    hash (`kindred.audit.chain`, checked by `manage.py audit_verify`), so an edit made with the
    database's own rights is still found. Never holds health information itself: only which
    object, which field names, and a small non-identifying detail.
    """

    at = models.DateTimeField(_("when"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    actor_label = models.CharField(_("who"), max_length=254, blank=True)
    program = models.ForeignKey(
        "programs.Program", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(_("action"), max_length=100)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object"), max_length=64, blank=True)
    fields = models.JSONField(_("changed fields"), default=list, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    ip = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    prev_hash = models.CharField(_("previous row's hash"), max_length=64, editable=False)
    row_hash = models.CharField(_("hash"), max_length=64, editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["program", "-at"], name="audit_program_at_idx"),
            models.Index(fields=["action", "at"], name="audit_action_at_idx"),
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
            models.Index(fields=["actor_label", "action", "at"], name="audit_actor_action_idx"),
            models.Index(fields=["ip", "action", "at"], name="audit_ip_action_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(action=""), name="audit_auditevent_action_required"
            ),
            models.CheckConstraint(
                condition=models.Q(Exact(Length("prev_hash"), 64), Exact(Length("row_hash"), 64)),
                name="audit_auditevent_hashes_set",
            ),
            # The chain never forks: no two rows follow the same row.
            models.UniqueConstraint(fields=["prev_hash"], name="audit_auditevent_one_successor"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding or self.pk is not None:
            raise AppendOnlyError("Audit events cannot be changed.")
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        # One transaction for the lock, the head and the insert: the caller's if it has one
        # (the event commits or rolls back with the change it records), else its own.
        with transaction.atomic(using=using, savepoint=False):
            _, head_hash = chain.lock_and_read_head(connections[using])
            self._link(head_hash)
            super().save(*args, **kwargs)

    def _link(self, head_hash: str) -> str:
        """Chain this new event to the row whose hash is `head_hash`; return its own hash."""
        self.prev_hash = head_hash
        self.row_hash = chain.row_hash(
            head_hash, {name: getattr(self, name) for name in chain.HASHED_FIELDS}
        )
        return self.row_hash

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Audit events cannot be deleted.")
