"""The program's roster as the engine ranks it (a `MentorMatrix`), built once per roster version
and kept in the process (docs/matching.md, "The roster's cache").

`roster_matrix(program, settings, today=...)` reads the program's `RosterVersion` (one query),
then returns the matrix kept for (version, token, today, readiness rule), or reads the mentors
(`profiles.mentor_sides`) and builds it. The version is read before the mentors, and database
triggers bump it in the transaction of every change of an engine input (migration 0004), so a
kept matrix is never older than the version that selects it:

- a change commits its rows and its bump together: after the commit every reader sees the new
  version and misses;
- a change rolled back takes its bump with it; a matrix built inside that transaction is kept
  under a random token no committed version will carry;
- the date is part of the key (qualifications expire, "a year since their experience" moves),
  and so is the program's readiness rule (read per request with the settings);
- a program without a version row (none recorded yet) is never kept.

Per-family inputs (the family's side, blocked pairs) are read per request.
"""

import threading
from collections import OrderedDict
from datetime import date
from typing import TYPE_CHECKING, Any

from kindred.matching.models import MatchSettings, RosterVersion
from kindred.matching.profiles import mentor_sides

if TYPE_CHECKING:
    from kindred.matching.engine.matrix import MentorMatrix

# Matrices kept per process, one per program (the most recently used programs). 10,000 mentors
# take about 15 MiB (docs/matching.md); most installations run one or a few programs.
MAX_PROGRAMS = 4

_kept: "OrderedDict[int, tuple[tuple[Any, ...], MentorMatrix]]" = OrderedDict()
_lock = threading.Lock()


def roster_version(program_id: int) -> tuple[int, int] | None:
    """(version, token) of the program's roster, None when none is recorded."""
    row = RosterVersion.objects.filter(program_id=program_id).values_list("version", "token")
    found = row.first()
    return (found[0], found[1]) if found else None


def roster_matrix(
    program: Any, settings: MatchSettings, *, today: date, cached: bool = True
) -> "MentorMatrix":
    """The program's mentors (active and paused) as the engine's matrix, from the process's
    cache when the roster has not changed since it was built; `cached=False` reads and builds
    it afresh (and keeps nothing)."""
    from kindred.matching.engine.matrix import MentorMatrix

    program_id = program.pk if hasattr(program, "pk") else int(program)
    stamp = roster_version(program_id) if cached else None
    key = (stamp, today, settings.readiness)
    if stamp is not None:
        with _lock:
            kept = _kept.get(program_id)
            if kept is not None and kept[0] == key:
                _kept.move_to_end(program_id)
                return kept[1]
    matrix = MentorMatrix(mentor_sides(program, settings, today=today))
    if stamp is not None:
        with _lock:
            _kept[program_id] = (key, matrix)
            _kept.move_to_end(program_id)
            while len(_kept) > MAX_PROGRAMS:
                _kept.popitem(last=False)
    return matrix


def forget() -> None:
    """Drop every kept matrix (tests that measure a miss; never needed for correctness)."""
    with _lock:
        _kept.clear()
