"""When two family records are merged, the resources shared with either stay on the kept one."""

from typing import Any

from kindred.directory.models import ResourceShare


def reassign(*, keep: Any, merged: Any) -> None:
    ResourceShare.objects.filter(family=merged).update(family=keep)
