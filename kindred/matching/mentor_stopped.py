"""The mentors app tells matching that a mentor paused or left (kindred.lib.extensions)."""

from kindred.matching.services import mentor_stopped

__all__ = ["mentor_stopped"]
