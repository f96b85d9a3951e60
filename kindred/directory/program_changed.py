"""A program's settings were saved: its own directory entry, if it publishes one, follows."""

from typing import Any

from django.http import HttpRequest

from kindred.directory.services import program_service_sync


def program_changed(program: Any, *, by: Any, request: HttpRequest | None) -> None:
    # publish=None refreshes an entry that exists and never creates one the program did not ask for.
    program_service_sync(program=program, by=by, publish=None, request=request)
