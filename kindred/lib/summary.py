"""Per-program summaries for the home page: counts computed once per program and kept in the
shared cache, instead of a COUNT per card on every request.

An app registers a part (`register("families", compute, watch=...)`) at import time of its
`home.py`; `get(part, program_ids)` answers {program id: counts} from the cache with one round
trip, computing what is missing. A summary is forgotten after the commit of any save or delete
of a watched model in its program, and expires after `SUMMARY_SECONDS` whatever happens (the
overdue count moves with the clock, not with a save).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save

SUMMARY_SECONDS = 30
KEY = "kindred:summary:{part}:{program}"

Counts = dict[str, int]


@dataclass(frozen=True)
class Part:
    name: str
    compute: Callable[[int], Counts]


_parts: dict[str, Part] = {}


def register(
    name: str,
    compute: Callable[[int], Counts],
    *,
    watch: Iterable[tuple[type[models.Model], Callable[[Any], int | None]]] = (),
) -> None:
    """`compute(program_id)` gives the part's counts; each `(model, program_of)` in `watch`
    forgets the program's summary when a row of that model is saved or deleted."""
    _parts[name] = Part(name, compute)
    for model, program_of in watch:

        def forget(sender: Any, instance: Any, _of: Any = program_of, **kwargs: Any) -> None:
            program_id = _of(instance)
            if program_id is not None:
                key = KEY.format(part=name, program=program_id)
                transaction.on_commit(lambda: cache.delete(key))

        uid = f"kindred-summary-{name}-{model._meta.label}"
        post_save.connect(forget, sender=model, weak=False, dispatch_uid=uid + "-save")
        post_delete.connect(forget, sender=model, weak=False, dispatch_uid=uid + "-delete")


def get(name: str, program_ids: Iterable[int]) -> dict[int, Counts]:
    part = _parts[name]
    keys = {pid: KEY.format(part=name, program=pid) for pid in program_ids}
    found = cache.get_many(list(keys.values()))
    result: dict[int, Counts] = {}
    missing: dict[str, Counts] = {}
    for pid, key in keys.items():
        if key in found:
            result[pid] = found[key]
        else:
            result[pid] = missing[key] = part.compute(pid)
    if missing:
        cache.set_many(missing, SUMMARY_SECONDS)
    return result


def total(name: str, program_ids: Iterable[int]) -> Counts:
    """The part's counts added up over several programs."""
    summed: Counts = {}
    for counts in get(name, program_ids).values():
        for field, value in counts.items():
            summed[field] = summed.get(field, 0) + value
    return summed
