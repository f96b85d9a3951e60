"""One way to change state, for every model with a status (docs/architecture.md, "Adding a
status").

A model with a status inherits `Stateful` and declares:

- `TRANSITIONS = {from_status: {to_status, ...}}`: the only moves allowed;
- `REASON_REQUIRED`: statuses that need a reason (the transition row's constraint says so too);
- `AUDIT_VERBS = {to_status: "verb"}`: the audit action `<app>.<model>.<verb>` of a move
  (default `status_changed`);
- a transition row model: a subclass of `TransitionRow` with a foreign key to it whose
  `related_name` is `transitions` (or name another in `TRANSITION_ROWS`).

`instance.transition(to=..., by=..., reason=..., request=...)` then locks the row, checks the move,
lets the model add its own rules (`check_transition`) and field changes (`apply_transition`),
saves, writes the transition row and the audit event, all in one transaction. A refused move
raises `TransitionError`, a `ValidationError` a form shows next to its fields.
"""

from collections.abc import Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from typing import Any, ClassVar, Self

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kindred.audit.log import record


class TransitionError(ValidationError):
    """A move the model refuses; its message is written for the person who asked."""


class TransitionRow(models.Model):
    """One change of status: who, when, from, to, why (healthchecks' Flip)."""

    at = models.DateTimeField(_("when"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    from_status = models.CharField(_("from"), max_length=30, blank=True)
    to_status = models.CharField(_("to"), max_length=30)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or '∅'} → {self.to_status}"


def _person(by: Any) -> Any:
    """The acting user, or None for the system (a task, a command, an anonymous form)."""
    return by if getattr(by, "pk", None) else None


class Stateful(models.Model):
    """Base of every model with a status; see the module's docstring."""

    TRANSITIONS: ClassVar[Mapping[str, Collection[str]]] = {}
    REASON_REQUIRED: ClassVar[Collection[str]] = frozenset()
    AUDIT_VERBS: ClassVar[Mapping[str, str]] = {}
    STATUS_FIELD: ClassVar[str] = "status"
    TRANSITION_ROWS: ClassVar[str] = "transitions"

    class Meta:
        abstract = True

    # Reading ----------------------------------------------------------------------------

    @property
    def current_status(self) -> str:
        return str(getattr(self, self.STATUS_FIELD))

    def allowed_statuses(self) -> list[str]:
        """The statuses this record may move to now, in the order of the status choices."""
        allowed = self.TRANSITIONS.get(self.current_status, ())
        choices = self._status_choices()
        return [value for value, _label in choices if value in allowed]

    def can_become(self, to: str) -> bool:
        return to in self.TRANSITIONS.get(self.current_status, ())

    def status_label(self, value: str) -> str:
        choices = dict(self._status_choices())
        return str(choices.get(value, value))

    def _status_choices(self) -> list[tuple[str, Any]]:
        return list(getattr(self._meta.get_field(self.STATUS_FIELD), "choices", None) or [])

    # Hooks for the model ----------------------------------------------------------------

    # Every hook also receives the move's `by` (the acting user, or None for the system),
    # its `note` and the extra keyword arguments given to `transition()`.

    def check_transition(self, to: str, *, reason: str, **extra: Any) -> None:
        """The model's own rules for a move, run on the locked row; raise TransitionError."""

    def apply_transition(
        self, from_status: str, to: str, *, now: datetime, reason: str, **extra: Any
    ) -> Iterable[str]:
        """Change the fields that go with the new status on the locked row (dates, reasons);
        answer their names, so that they are saved with the status."""
        return ()

    def transition_row_fields(self, from_status: str, to: str, **extra: Any) -> dict[str, Any]:
        """Extra values of this model's transition row (e.g. a pause's return date)."""
        return {}

    # The one way ------------------------------------------------------------------------

    @contextmanager
    def locked(self) -> Iterator[Self]:
        """Inside a transaction, this row re-read under a row lock: concurrent changes wait."""
        with transaction.atomic():
            manager = type(self)._default_manager
            self.refresh_from_db(from_queryset=manager.select_for_update())
            yield self

    def transition(
        self,
        *,
        to: str,
        by: Any,
        reason: str = "",
        note: str = "",
        request: HttpRequest | None = None,
        detail: Mapping[str, Any] | None = None,
        **extra: Any,
    ) -> TransitionRow:
        """Move to `to`, or raise TransitionError and change nothing."""
        reason = (reason or "").strip()
        extra = {**extra, "by": _person(by), "note": note}
        with self.locked():
            from_status = self.current_status
            if not self.can_become(to):
                raise TransitionError(
                    _(
                        "This change is not possible: a record that is “%(from)s” cannot become “%(to)s”."
                    ),
                    code="not_allowed",
                    params={"from": self.status_label(from_status), "to": self.status_label(to)},
                )
            if to in self.REASON_REQUIRED and not reason:
                raise TransitionError(
                    _("Please give a reason: it is required for “%(to)s”."),
                    code="reason_required",
                    params={"to": self.status_label(to)},
                )
            self.check_transition(to, reason=reason, **extra)
            now = timezone.now()
            setattr(self, self.STATUS_FIELD, to)
            changed = [self.STATUS_FIELD]
            changed += [
                f
                for f in self.apply_transition(from_status, to, now=now, reason=reason, **extra)
                if f not in changed
            ]
            self.save(update_fields=changed)
            row = self.write_transition_row(
                from_status=from_status,
                to_status=to,
                by=by,
                at=now,
                reason=reason,
                note=note,
                **self.transition_row_fields(from_status, to, **extra),
            )
            self.audit_change(
                verb=self.AUDIT_VERBS.get(to, "status_changed"),
                by=by,
                request=request,
                fields=changed,
                detail={"from": from_status, "to": to, **(detail or {})},
            )
        return row

    def write_transition_row(self, **values: Any) -> TransitionRow:
        """The transition row of a change; for moves that are not status moves (a referral's
        program step) a model calls it itself, inside `locked()`."""
        values["by"] = _person(values.get("by"))
        rows = getattr(self, self.TRANSITION_ROWS)
        return rows.create(**values)

    def audit_change(
        self,
        *,
        verb: str,
        by: Any,
        request: HttpRequest | None,
        fields: Iterable[str] = (),
        detail: Mapping[str, Any] | None = None,
    ) -> None:
        """The audit event of a change, inside the change's transaction (no PHI: ids, names
        of fields and status codes only)."""
        record(
            action=f"{self._meta.label_lower}.{verb}",
            request=request,
            actor=_person(by),
            obj=self,
            fields=fields,
            detail=dict(detail or {}),
        )
