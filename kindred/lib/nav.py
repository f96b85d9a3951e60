"""A navigation entry. Each Kindred app may define `nav.py` with `NAV_ITEMS`; the base layout
shows the entries whose capability the signed-in person holds in at least one program, grouped
by task (`group`, one of the `Group`s below; an entry that names none goes under *More*, so a
new app's `nav.py` works before anyone files it)."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kindred.lib.titles import plural


@dataclass(frozen=True)
class Group:
    key: str
    label: str | Promise
    order: int
    # A heading that depends on the current program: called with it (None when there is none).
    label_for: Callable[[Any], str] | None = None


def _mentor_titles(program: Any) -> str:
    """The program's own title for its mentors, plural ("Family Partners")."""
    if program is None:
        return str(_("Mentors"))
    language = get_language() or "en"
    return plural(program.mentor_title_for(language), language)


# The tasks people come to do, in the menu's order. `TOP` entries (Home, a person's own work)
# stand alone before the groups.
TOP = Group("top", "", 0)
MY_WORK = Group("my-work", _("My work"), 5)
REFERRALS = Group("referrals", _("Referrals"), 10)
FAMILIES = Group("families", _("Families"), 20)
MENTORS = Group("mentors", _("Mentors"), 30, label_for=_mentor_titles)
DIRECTORY = Group("directory", _("Directory"), 40)
REPORTS = Group("reports", _("Reports"), 50)
SETTINGS = Group("settings", _("Program settings"), 60)
MORE = Group("more", _("More"), 90)


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    capability: str | None  # None: every signed-in person
    order: int = 50
    group: Group = MORE
    # A label that depends on the current program (the program's title for its mentors):
    # called with the program, or None when the person has none.
    label_for: Callable[[Any], str] | None = None
