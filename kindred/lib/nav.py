"""A navigation entry. Each Kindred app may define `nav.py` with `NAV_ITEMS`; the base layout
shows the entries whose capability the signed-in person holds in at least one program."""

from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    capability: str | None  # None: every signed-in person
    order: int = 50
