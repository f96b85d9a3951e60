"""What the plan shows from the program's settings (WHAT, WHERE, WHEN), read, never copied.

The first-contact target is the program's own field. Opening hours and the match target are
settings rows of the referrals and matching apps, which planning does not import (floors): they
are read through the program's reverse relations by name, and a program without the row shows
the model's default, as those apps do when they create it on first use.
"""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Fact:
    label: str
    value: str


def _setting(program: Any, relation: str, field: str) -> Any:
    """`program.<relation>.<field>`, or the field's default when the row does not exist yet;
    None when the relation is not installed."""
    try:
        model = program._meta.get_field(relation).related_model
        default = model._meta.get_field(field).get_default()
    except FieldDoesNotExist:
        return None
    try:
        return getattr(getattr(program, relation), field)
    except ObjectDoesNotExist:
        return default


def delivery_models(program: Any) -> list[str]:
    found = []
    if program.offers_one_to_one:
        found.append(_("One-to-one support"))
    if program.offers_groups:
        found.append(_("Support groups"))
    if program.offers_virtual:
        found.append(_("Virtual peer support"))
    return found


def _hours(n: int) -> str:
    return _("%(n)s hours") % {"n": n}


def when_facts(program: Any) -> list[Fact]:
    facts = [Fact(_("First contact"), _hours(program.first_contact_target_hours))]
    business = _setting(program, "referral_settings", "business_hours_only")
    if business is not None:
        if business:
            opens = _setting(program, "referral_settings", "opens_at")
            closes = _setting(program, "referral_settings", "closes_at")
            text = _("counted on weekdays, %(opens)s to %(closes)s") % {
                "opens": str(opens)[:5],
                "closes": str(closes)[:5],
            }
        else:
            text = _("counted around the clock")
        facts.append(Fact(_("Hours"), text))
    match_target = _setting(program, "match_settings", "target_hours")
    if match_target is not None:
        facts.append(Fact(_("Match"), _("%(n)s hours from intake") % {"n": match_target}))
    return facts


def where_fact(program: Any) -> str:
    return str(program.get_scope_display())
