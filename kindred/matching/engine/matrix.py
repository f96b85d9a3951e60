"""The roster as NumPy arrays, built once and reused for every family ranked against it.

Each set attribute (languages, conditions, experiences, ...) becomes a boolean matrix with one
column per code seen among the mentors; a family's codes select columns. Scalars (load, year,
place) become vectors. Ranking a family is then a handful of array operations over all mentors.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from kindred.matching.engine.types import MentorSide

EARTH_RADIUS_MILES = 3958.8
SET_FIELDS = (
    "languages",
    "conditions",
    "condition_categories",
    "experiences",
    "treatments",
    "care_settings",
    "situations",
    "excluded_situations",
)


@dataclass
class CodeMatrix:
    columns: dict[str, int]
    values: np.ndarray  # bool (mentors, codes)
    words: np.ndarray  # uint64 (mentors, ceil(codes / 64)): the same as bit sets

    def bits_of(self, sets) -> np.ndarray:
        """(len(sets), words) uint64: each set of codes as bits (codes no mentor has dropped)."""
        out = np.zeros((len(sets), self.words.shape[1]), dtype=np.uint64)
        for i, codes in enumerate(sets):
            for code in codes:
                column = self.columns.get(code)
                if column is not None:
                    out[i, column >> 6] |= np.uint64(1 << (column & 63))
        return out

    def shared(self, bits: np.ndarray) -> np.ndarray:
        """(families, mentors): how many of each family's codes (as `bits_of`) each mentor has."""
        count = np.bitwise_count(bits[:, None, 0] & self.words[None, :, 0])
        for word in range(1, self.words.shape[1]):
            count += np.bitwise_count(bits[:, None, word] & self.words[None, :, word])
        return count

    def columns_of(self, codes) -> list[int]:
        return [self.columns[code] for code in codes if code in self.columns]

    def count(self, codes) -> np.ndarray:
        """How many of `codes` each mentor has."""
        cols = self.columns_of(codes)
        if not cols:
            return np.zeros(self.values.shape[0], dtype=np.int32)
        return self.values[:, cols].sum(axis=1, dtype=np.int32)

    def any(self, codes) -> np.ndarray:
        cols = self.columns_of(codes)
        if not cols:
            return np.zeros(self.values.shape[0], dtype=bool)
        return np.asarray(self.values[:, cols].any(axis=1))


def _code_matrix(sets: list[frozenset[str]]) -> CodeMatrix:
    columns: dict[str, int] = {}
    for codes in sets:
        for code in codes:
            columns.setdefault(code, len(columns))
    values = np.zeros((len(sets), max(1, len(columns))), dtype=bool)
    for row, codes in enumerate(sets):
        for code in codes:
            values[row, columns[code]] = True
    words = np.zeros((len(sets), max(1, (len(columns) + 63) // 64)), dtype=np.uint64)
    for column in range(len(columns)):
        words[:, column >> 6] |= values[:, column].astype(np.uint64) << np.uint64(column & 63)
    return CodeMatrix(columns, values, words)


def _text_codes(values: list[str]) -> tuple[dict[str, int], np.ndarray]:
    """Free self-described text (gender, culture) compared without case: one int per mentor,
    -1 when blank."""
    vocabulary: dict[str, int] = {}
    out = np.full(len(values), -1, dtype=np.int32)
    for row, value in enumerate(values):
        key = value.strip().casefold()
        if key:
            out[row] = vocabulary.setdefault(key, len(vocabulary))
    return vocabulary, out


class MentorMatrix:
    """The features of a list of mentors as arrays (row i is `mentors[i]`)."""

    def __init__(self, mentors: Sequence[MentorSide]):
        self.mentors: tuple[MentorSide, ...] = tuple(mentors)
        n = len(self.mentors)
        self.n = n
        self.ids = np.fromiter((m.mentor_id for m in self.mentors), dtype=np.int64, count=n)
        self.row_of = {m.mentor_id: row for row, m in enumerate(self.mentors)}
        self.matchable = np.fromiter((m.matchable for m in self.mentors), dtype=bool, count=n)
        self.ready = np.fromiter((m.ready for m in self.mentors), dtype=bool, count=n)
        self.capacity_left = np.fromiter(
            (max(0, m.capacity_left) for m in self.mentors), dtype=np.int32, count=n
        )
        self.active = np.fromiter(
            (max(0, m.active_count) for m in self.mentors), dtype=np.int32, count=n
        )
        self.sets = {
            name: _code_matrix([getattr(m, name) for m in self.mentors]) for name in SET_FIELDS
        }
        lat = np.full(n, np.nan)
        lon = np.full(n, np.nan)
        for row, m in enumerate(self.mentors):
            if m.point is not None:
                lat[row], lon[row] = m.point
        self.lat = np.radians(lat)
        self.lon = np.radians(lon)
        self.cos_lat = np.cos(self.lat)
        self.travel = np.fromiter(
            (np.nan if m.travel_miles is None else m.travel_miles for m in self.mentors),
            dtype=float,
            count=n,
        )
        self.year = np.fromiter(
            (np.nan if m.experience_year is None else m.experience_year for m in self.mentors),
            dtype=float,
            count=n,
        )
        width = max([1, *(len(m.child_ages) for m in self.mentors)])
        self.ages = np.full((n, width), np.nan)
        for row, m in enumerate(self.mentors):
            self.ages[row, : len(m.child_ages)] = m.child_ages
        self.ages_far = np.where(np.isnan(self.ages), -1e6, self.ages)  # criteria.FAR
        # The own child's age range (from, to); -1e6 where none is given (criteria.FAR).
        self.age_lo = np.fromiter(
            (m.child_age_range[0] if m.child_age_range else -1e6 for m in self.mentors),
            dtype=float,
            count=n,
        )
        self.age_hi = np.fromiter(
            (m.child_age_range[1] if m.child_age_range else -1e6 for m in self.mentors),
            dtype=float,
            count=n,
        )
        self.travel_or_none = np.nan_to_num(self.travel, nan=-1.0)  # no distance given: -1
        self.cache: dict = {}  # per-matrix values the criteria compute once
        # Tie-breaks as one integer: lower load, then lower mentor id.
        self.id_rank = np.empty(n, dtype=np.int64)
        self.id_rank[np.argsort(self.ids, kind="stable")] = np.arange(n)
        self.load_span = (int(self.active.max(initial=0)) + 1) * max(1, n)
        self.tie = self.active.astype(np.int64) * max(1, n) + self.id_rank
        self.genders, self.gender = _text_codes([m.gender for m in self.mentors])
        self.cultures, self.culture = _text_codes([m.culture for m in self.mentors])

    def miles_from_many(self, points) -> np.ndarray:
        """(len(points), mentors) great-circle miles (NaN where either side is unknown)."""
        lat = np.radians([np.nan if p is None else p[0] for p in points])[:, None]
        lon = np.radians([np.nan if p is None else p[1] for p in points])[:, None]
        h = (
            np.sin((self.lat[None, :] - lat) / 2) ** 2
            + np.cos(lat) * self.cos_lat[None, :] * np.sin((self.lon[None, :] - lon) / 2) ** 2
        )
        return 2 * EARTH_RADIUS_MILES * np.arcsin(np.sqrt(np.minimum(1.0, h)))

    def __len__(self) -> int:
        return self.n

    def miles_from(self, point: tuple[float, float] | None) -> np.ndarray:
        """Great-circle miles from `point` to every mentor (NaN where either is unknown)."""
        if point is None:
            return np.full(self.n, np.nan)
        lat, lon = np.radians(point[0]), np.radians(point[1])
        h = (
            np.sin((self.lat - lat) / 2) ** 2
            + np.cos(lat) * self.cos_lat * np.sin((self.lon - lon) / 2) ** 2
        )
        return 2 * EARTH_RADIUS_MILES * np.arcsin(np.sqrt(np.minimum(1.0, h)))


def as_matrix(mentors: "Sequence[MentorSide] | MentorMatrix") -> MentorMatrix:
    return mentors if isinstance(mentors, MentorMatrix) else MentorMatrix(mentors)
