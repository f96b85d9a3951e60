"""The matching engine: pure Python + NumPy + OR-Tools, no ORM (see docs/matching.md).

`rank` one family against the roster with reasons, `assign` the backlog optimally in batch,
`coverage` the needs the roster cannot meet well.
"""

from kindred.matching.engine.types import (
    CRITERIA,
    Assignment,
    Blocks,
    FamilySide,
    Gap,
    Level,
    MentorSide,
    Ranked,
    Ranking,
    Reason,
    Violation,
)

__all__ = [
    "CRITERIA",
    "Assignment",
    "Blocks",
    "FamilySide",
    "Gap",
    "Level",
    "MentorSide",
    "Ranked",
    "Ranking",
    "Reason",
    "Violation",
    "assign",
    "coverage",
    "rank",
]


def __getattr__(name: str):  # the implementations load lazily (NumPy, OR-Tools)
    if name == "rank":
        from kindred.matching.engine.rank import rank

        return rank
    if name == "assign":
        from kindred.matching.engine.batch import assign

        return assign
    if name == "coverage":
        from kindred.matching.engine.coverage import coverage

        return coverage
    raise AttributeError(name)
