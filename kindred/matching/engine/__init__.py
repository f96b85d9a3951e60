"""The matching engine: pure Python + NumPy + OR-Tools, no ORM (see docs/matching.md).

`rank` one family against the roster with reasons, `assign` the backlog optimally in batch,
`coverage` the needs the roster cannot meet well.
"""

from kindred.matching.engine.types import (  # isort: skip (the types first)
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

# The functions bind over their submodules' names (kindred.matching.engine.rank is the function).
from kindred.matching.engine.batch import assign
from kindred.matching.engine.coverage import coverage
from kindred.matching.engine.rank import rank

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
