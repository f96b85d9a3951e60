"""Called by kindred.families.consent.consent_record inside its transaction: a family that
withdrew permission for groups or for contact leaves every group at once."""

from typing import Any

from kindred.groups.services import consent_changed as _leave_if_withdrawn


def consent_changed(family: Any, scope: str, *, by: Any, request: Any) -> None:
    if scope in ("groups", "contact"):
        _leave_if_withdrawn(family, scope, by=by, request=request)
