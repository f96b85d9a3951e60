"""Matching: a program's matching settings (settings.py), the match and its life (match.py),
pairs that must never be made and a family's matching wishes (blocks.py), the roster's
version for the ranking's cache (roster.py)."""

from kindred.matching.models.blocks import BlockedPair, FamilyWishes
from kindred.matching.models.match import (
    AWAITING_MENTOR as AWAITING_MENTOR_STATUSES,
)
from kindred.matching.models.match import (
    CLOSE_REASONS,
    DECLINE_REASONS,
    HOLDS_PLACE,
    OPEN,
    Match,
    MatchTransition,
)
from kindred.matching.models.roster import RosterVersion
from kindred.matching.models.settings import MatchSettings
from kindred.matching.models_batch import BatchRun

__all__ = [
    "AWAITING_MENTOR_STATUSES",
    "CLOSE_REASONS",
    "DECLINE_REASONS",
    "HOLDS_PLACE",
    "OPEN",
    "BatchRun",
    "BlockedPair",
    "FamilyWishes",
    "Match",
    "MatchSettings",
    "MatchTransition",
    "RosterVersion",
]
