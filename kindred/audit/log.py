"""Writing the audit log. Call `record` from views and state-change methods.

Action codes are namespaced `<app>.<model>.<verb>` (pretix style): `families.family.viewed`,
`families.family.created`, `families.family.changed`, `families.family.exported`,
`families.family.access_denied`, `accounts.login.succeeded`.
"""

from collections.abc import Iterable
from typing import Any

from django.db import models
from django.http import HttpRequest

from kindred.audit.models import AuditEvent
from kindred.lib.http import client_address


def record(
    *,
    action: str,
    request: HttpRequest | None = None,
    actor: Any = None,
    actor_label: str = "",
    program: Any = None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: Any = "",
    fields: Iterable[str] = (),
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
        if program is None:
            program = getattr(obj, "program_id", None)
    program_id = program if isinstance(program, int) or program is None else program.pk
    return AuditEvent.objects.create(
        actor=actor if actor is not None and getattr(actor, "pk", None) else None,
        actor_label=(actor_label or getattr(actor, "email", "") or "")[:254].lower(),
        program_id=program_id,
        action=action,
        object_type=object_type,
        object_id=str(object_id or ""),
        fields=sorted(set(fields)),
        detail=detail or {},
        ip=client_address(request) if request is not None else None,
    )


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    return sorted(name for name in after if before.get(name) != after.get(name))
