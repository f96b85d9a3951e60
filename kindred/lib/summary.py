"""Per-program summaries for the home page: counts computed once per program and kept in the
shared cache, instead of a COUNT per card on every request.

An app registers a part (`register("families", compute, watch=...)`) at import time of its
`home.py`; `get(part, program_ids)` answers {program id: counts} from the cache with one round
trip, computing what is missing. A summary is forgotten after the commit of any save or delete
of a watched model in its program, and expires after `SUMMARY_SECONDS` whatever happens (the
overdue count moves with the clock, not with a save).

`prefetched(program_ids)` reads every registered part of those programs in one round trip for
the code inside it (the home page: one cache read instead of one per card).

A **personal** part (`register_personal("notifications", compute)`) is the same for one person:
`personal(part, user_id)` answers from the cache, computing it when missing; the code that
changes what it counts calls `forget_personal(part, user_ids)` (now and after the commit), since
a bulk insert or update sends no signal. `prefetched(program_ids, user_id=...)` reads the
person's parts in the same round trip. It expires after `SUMMARY_SECONDS` too.
"""

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save

SUMMARY_SECONDS = 30
KEY = "kindred:summary:{part}:{program}"
PERSONAL_KEY = "kindred:summary-personal:{part}:{user}"

# Mostly counts; a part may keep a few small lists for its card (ids, names of groups...).
Counts = dict[str, Any]


@dataclass(frozen=True)
class Part:
    name: str
    compute: Callable[[int], Counts]


_parts: dict[str, Part] = {}
_personal: dict[str, Callable[[int], Any]] = {}
# Inside `prefetched`: (the keys read, what the cache held of them).
_prefetch: ContextVar[tuple[frozenset[str], dict[str, Counts]] | None] = ContextVar(
    "kindred_summary_prefetch", default=None
)


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


def register_personal(name: str, compute: Callable[[int], Any]) -> None:
    """`compute(user_id)` gives the person's part (a count, a small dict)."""
    _personal[name] = compute


def personal(name: str, user_id: int) -> Any:
    """The person's part, from the cache (or the prefetched read), computed when missing."""
    key = PERSONAL_KEY.format(part=name, user=user_id)
    batch = _prefetch.get()
    found = batch[1] if batch is not None and key in batch[0] else cache.get_many([key])
    if key in found:
        return found[key]
    value = _personal[name](user_id)
    cache.set(key, value, SUMMARY_SECONDS)
    return value


def forget_personal(name: str, user_ids: Iterable[int]) -> None:
    """What the part counts changed for these people: forgotten now, and again after the
    commit (a read between the two, of rows not committed yet, is not kept)."""
    keys = [PERSONAL_KEY.format(part=name, user=uid) for uid in set(user_ids)]
    if keys:
        cache.delete_many(keys)
        transaction.on_commit(lambda: cache.delete_many(keys))


@contextmanager
def prefetched(program_ids: Iterable[int], *, user_id: int | None = None) -> Iterator[None]:
    """Every registered part of these programs (and of this person) read at once; `get` and
    `personal` inside answer from it (a part missing from the cache is computed as always, and
    a save's forgetting applies to the next request: the read is as fresh as one `get` at the
    start)."""
    keys = frozenset(
        [KEY.format(part=name, program=pid) for name in _parts for pid in set(program_ids)]
        + (
            [PERSONAL_KEY.format(part=name, user=user_id) for name in _personal]
            if user_id is not None
            else []
        )
    )
    token = _prefetch.set((keys, cache.get_many(list(keys)) if keys else {}))
    try:
        yield
    finally:
        _prefetch.reset(token)


def get(name: str, program_ids: Iterable[int]) -> dict[int, Counts]:
    part = _parts[name]
    keys = {pid: KEY.format(part=name, program=pid) for pid in program_ids}
    batch = _prefetch.get()
    if batch is not None and batch[0].issuperset(keys.values()):
        found = batch[1]
    else:
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
