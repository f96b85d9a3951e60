"""The matching engine: pure Python + NumPy + OR-Tools, no ORM (see docs/matching.md).

`rank` one family against the roster with reasons, `assign` the backlog optimally in batch,
`coverage` the needs the roster cannot meet well.

The types load with the package (the models need `CRITERIA` and `Level`); the three functions,
and with them NumPy and OR-Tools (about 27 MiB), load on first use: every web worker imports the
models, few of its pages rank or assign (docs/benchmarks.md, "Memory").
"""

import importlib
import sys
from types import ModuleType
from typing import TYPE_CHECKING, Any

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

if TYPE_CHECKING:
    from kindred.matching.engine.batch import assign
    from kindred.matching.engine.coverage import coverage
    from kindred.matching.engine.rank import rank

# The functions share their submodules' names: `kindred.matching.engine.rank` is the function,
# as it was when the package imported them eagerly.
_LAZY = {"assign": "batch", "coverage": "coverage", "rank": "rank"}


class _Engine(ModuleType):
    def __setattr__(self, name: str, value: Any) -> None:
        # Importing a submodule sets it on its package: keep the function's name for the
        # function (it is looked up in __getattr__ below).
        if name in _LAZY and isinstance(value, ModuleType):
            return
        super().__setattr__(name, value)


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    function = getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    globals()[name] = function
    return function


sys.modules[__name__].__class__ = _Engine

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
