"""Called by kindred.families.services.family_merge inside its transaction: concerns raised
about the merged family follow it to the record that is kept, so the supervisor reviewing the
family sees every one (issue 9: nothing is left behind on a merge)."""

from typing import Any

from kindred.mentors.models import Escalation


def reassign(*, keep: Any, merged: Any) -> None:
    Escalation.objects.filter(family=merged).update(family=keep)
