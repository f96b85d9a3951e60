"""A new program: its match target, chosen by its administrator, is the program's matching
settings from the start."""

from typing import Any

from django.http import HttpRequest

from kindred.matching.models import MatchSettings


def program_created(
    program: Any, *, targets: dict[str, int], by: Any, request: HttpRequest | None
) -> None:
    hours = targets.get("match_target_hours")
    if hours is None:
        return
    settings = MatchSettings.for_program(program)
    settings.target_hours = hours
    settings.full_clean()
    settings.save()
