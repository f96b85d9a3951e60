"""The reasons and violations in plain language, in the active language, for the rows shown.

Codes are named with the labels the FamilySide carries (`labels[code]`, in the reader's
language); languages by `kindred.lib.languages.language_name`.
"""

import math
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import ngettext as django_ngettext

from kindred.lib.languages import language_name, related_codes
from kindred.matching.engine.criteria import SETS, Scores, family_languages
from kindred.matching.engine.matrix import MentorMatrix
from kindred.matching.engine.types import CRITERIA, FamilySide, Reason, Violation


# Reasons are built by the hundred per page: each text is looked up once per language, then
# remembered (forgotten when the translation settings change, as in tests). The wrappers keep
# the names `_` and `ngettext`, so makemessages still finds every msgid.
@lru_cache(maxsize=512)
def _cached(language: str, message: str) -> str:
    return gettext(message)


@lru_cache(maxsize=512)
def _cached_plural(language: str, singular: str, plural: str, count: int) -> str:
    return django_ngettext(singular, plural, count)


# The active language, read once per batch of reasons rather than once per text.
_language: ContextVar[str | None] = ContextVar("matching_reasons_language", default=None)


def _active() -> str:
    language = _language.get()
    return language if language is not None else (translation.get_language() or "")


def _(message: str) -> str:
    return _cached(_active(), message)


def ngettext(singular: str, plural: str, count: int) -> str:
    return _cached_plural(_active(), singular, plural, count)


@contextmanager
def one_language():
    """Within the block, the texts are looked up in the language active at its start."""
    token = _language.set(translation.get_language() or "")
    try:
        yield
    finally:
        _language.reset(token)


@receiver(setting_changed)
def _forget_texts(*, setting: str, **kwargs) -> None:
    if setting in {"LOCALE_PATHS", "LANGUAGES", "LANGUAGE_CODE", "INSTALLED_APPS"}:
        _cached.cache_clear()
        _cached_plural.cache_clear()


def _label(family: FamilySide, code: str) -> str:
    return family.labels.get(code, code)


def _list(family: FamilySide, codes) -> str:
    return ", ".join(sorted(_label(family, code) for code in codes))


def in_sentence(code: str) -> str:
    """A language's name inside a sentence: Spanish writes language names in lower case
    ("ambos hablan español"), English capitalises them."""
    name = language_name(code)
    if (translation.get_language() or "").startswith("es"):
        return name[:1].lower() + name[1:]
    return name


def _languages(codes) -> str:
    return ", ".join(sorted(in_sentence(code) for code in codes))


def _miles(value: float) -> int:
    return max(0, math.ceil(value - 0.5)) if value >= 1 else int(value >= 0.5)


def _spoken_in_common(family: FamilySide, mentor_languages) -> list[str]:
    return [
        code
        for code in sorted(family_languages(family))
        if any(other in related_codes(code) for other in mentor_languages)
    ]


def reason(family: FamilySide, matrix: MentorMatrix, scores: Scores, row: int, criterion: str):
    mentor = matrix.mentors[row]
    met: bool | None = bool(scores.met[criterion][row])
    if scores.unknown[criterion][row]:
        met = None
    points = round(scores.points(criterion, row), 1)

    if criterion == "language":
        common = _spoken_in_common(family, mentor.languages)
        if common:
            text = _("both speak %(language)s") % {"language": _languages(common[:1])}
        else:
            text = _("does not speak %(languages)s") % {
                "languages": _languages(family_languages(family))
            }
    elif criterion == "condition":
        same = family.conditions & mentor.conditions
        kind = family.condition_categories & mentor.condition_categories
        if same:
            text = _("also has a child with %(condition)s") % {"condition": _list(family, same)}
        elif kind:
            text = _("a child with a condition of the same kind (%(category)s)") % {
                "category": _list(family, kind)
            }
        else:
            asked = family.conditions or family.condition_categories
            text = _("no child with %(condition)s") % {"condition": _list(family, asked)}
    elif criterion in SETS:
        wanted = getattr(family, SETS[criterion])
        shared = wanted & getattr(mentor, SETS[criterion])
        missing = wanted - shared
        text = _set_text(criterion, _list(family, shared), _list(family, missing))
    elif criterion == "child_age":
        gap = scores.age_gap[row]
        span = mentor.child_age_range
        outside = (
            min(max(0, span[0] - age, age - span[1]) for age in family.child_ages)
            if span and family.child_ages
            else None
        )
        if math.isnan(gap):
            text = _("their child's age is not known")
        elif span and outside == 0:
            text = _("their child was %(low)d to %(high)d years old: the same age") % {
                "low": span[0],
                "high": span[1],
            }
        elif span and outside is not None and outside <= gap:
            text = ngettext(
                "their child was %(low)d to %(high)d years old: %(years)d year apart",
                "their child was %(low)d to %(high)d years old: %(years)d years apart",
                int(outside),
            ) % {"low": span[0], "high": span[1], "years": int(outside)}
        elif gap == 0:
            text = _("their child was the same age")
        else:
            text = ngettext(
                "children %(years)d year apart in age",
                "children %(years)d years apart in age",
                int(gap),
            ) % {"years": int(gap)}
    elif criterion == "distance":
        miles = scores.miles[row]
        if math.isnan(miles):
            text = _("distance not known")
        else:
            count = _miles(miles)
            text = ngettext("%(miles)d mile away", "%(miles)d miles away", count) % {"miles": count}
    elif criterion in ("gender", "culture"):
        wanted = getattr(family, f"{criterion}_wanted").strip()
        value = {"value": _label(family, wanted)}
        if met is None:
            text = (
                _("gender not given (asked: %(value)s)")
                if criterion == "gender"
                else _("culture not given (asked: %(value)s)")
            ) % value
        elif met:
            text = (
                _("the gender asked for (%(value)s)")
                if criterion == "gender"
                else _("the culture asked for (%(value)s)")
            ) % value
        else:
            text = (
                _("not the gender asked for (%(value)s)")
                if criterion == "gender"
                else _("not the culture asked for (%(value)s)")
            ) % value
    elif criterion == "recency":
        years = scores.years_ago[row]
        if math.isnan(years):
            text = _("how recent their experience is: not known")
        else:
            count = max(0, int(years))
            text = ngettext(
                "their experience was %(years)d year ago (%(year)d)",
                "their experience was %(years)d years ago (%(year)d)",
                count,
            ) % {"years": count, "year": mentor.experience_year}
    else:  # load
        if mentor.active_count == 0:
            text = _("supports no family at the moment")
        else:
            text = ngettext(
                "already supports %(count)d family",
                "already supports %(count)d families",
                mentor.active_count,
            ) % {"count": mentor.active_count}
    return Reason(criterion=criterion, met=met, text=text, points=points)


def _set_text(criterion: str, shared: str, missing: str) -> str:
    if criterion == "experience":
        if shared and missing:
            return _("shared experience of %(shared)s; not of %(missing)s") % {
                "shared": shared,
                "missing": missing,
            }
        if shared:
            return _("shared experience of %(shared)s") % {"shared": shared}
        return _("no shared experience of %(missing)s") % {"missing": missing}
    if criterion == "treatment":
        if shared:
            return _("also knows the treatment: %(shared)s") % {"shared": shared}
        return _("no shared treatment (%(missing)s)") % {"missing": missing}
    if criterion == "care_setting":
        if shared:
            return _("also knows the care setting: %(shared)s") % {"shared": shared}
        return _("no shared care setting (%(missing)s)") % {"missing": missing}
    if shared:
        return _("a family situation in common: %(shared)s") % {"shared": shared}
    return _("a different family situation (%(missing)s)") % {"missing": missing}


def reasons(family: FamilySide, matrix: MentorMatrix, scores: Scores, row: int):
    """The reasons of the criteria that count, the biggest share of the score first."""
    shown = [reason(family, matrix, scores, row, c) for c in CRITERIA if scores.counts(c)]
    return tuple(sorted(shown, key=lambda r: (-r.points, CRITERIA.index(r.criterion))))


def violation(
    family: FamilySide,
    matrix: MentorMatrix,
    scores: Scores,
    row: int,
    constraint: str,
    blocked: dict[int, str],
) -> Violation:
    mentor = matrix.mentors[row]
    if constraint == "inactive":
        text = _("not available for matching (a qualification is missing or they are paused)")
    elif constraint == "capacity":
        text = ngettext(
            "no place left (already supports %(count)d family)",
            "no place left (already supports %(count)d families)",
            mentor.active_count,
        ) % {"count": mentor.active_count}
    elif constraint == "readiness":
        text = _("does not meet the program's readiness rule yet")
    elif constraint == "consent":
        text = _("the family has not consented to share information with a mentor")
    elif constraint == "blocked":
        recorded = blocked.get(row, "")
        text = (
            _("must not be matched with this family: %(reason)s") % {"reason": recorded}
            if recorded
            else _("must not be matched with this family")
        )
    elif constraint == "mentor_exclusion":
        text = _("would rather not support a family with %(situations)s") % {
            "situations": _list(family, family.situations & mentor.excluded_situations)
        }
    elif constraint == "language":
        text = _("does not speak %(language)s, which the family needs") % {
            "language": in_sentence(family.language_needed or "")
        }
    elif constraint == "distance":
        miles = scores.miles[row]
        if family.point is None:
            text = _("the family wants to meet in person but their ZIP code is not known")
        elif math.isnan(miles):
            text = _("the family wants to meet in person but the mentor's ZIP code is not known")
        elif mentor.travel_miles is None:
            text = _("has not said how far they will travel to meet in person")
        else:
            text = _("%(miles)d miles away, farther than the %(travel)d miles they will travel") % {
                "miles": _miles(miles),
                "travel": mentor.travel_miles,
            }
    else:  # must:<criterion>
        criterion = constraint.split(":", 1)[1]
        text = _("a must-have is not met: %(reason)s") % {
            "reason": reason(family, matrix, scores, row, criterion).text
        }
    return Violation(constraint=constraint, text=text)
