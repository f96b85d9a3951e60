"""Helpers for testing the access kit's wrappers (`get_<noun>_for`)."""

from typing import Any

from kindred.audit.models import AuditEvent


def denials(object_type: str) -> list[tuple[Any, Any, str, dict[str, Any]]]:
    """The refusals audited for `object_type` (`<app>.<model>`): (actor id, program id, object
    id, detail), oldest first."""
    return list(
        AuditEvent.objects.filter(action=f"{object_type}.access_denied")
        .order_by("pk")
        .values_list("actor_id", "program_id", "object_id", "detail")
    )
