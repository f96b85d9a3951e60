from functools import cache
from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from kindred.lib import extensions
from kindred.lib.nav import TOP, NavItem
from kindred.programs.access import SESSION_PROGRAM_KEY, capabilities
from kindred.programs.models import Program


@cache
def all_nav_items() -> list[NavItem]:
    items = [item for module in extensions.nav_modules() for item in module.NAV_ITEMS]
    return sorted(items, key=lambda item: item.order)


@cache
def nav_url(url_name: str) -> str | None:
    """A navigation entry's URL, reversed once per process (URLs do not change while it runs)."""
    try:
        return reverse(url_name)
    except NoReverseMatch:
        return None


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    caps = capabilities(user)
    held = set().union(*caps.values()) if caps else set()
    programs_known = _programs_of(user, caps)
    current_id = request.session.get(SESSION_PROGRAM_KEY)
    program = programs_known.get(current_id) if current_id in caps else None
    if program is None and programs_known:
        program = programs_known[min(programs_known)]
    nav = []
    groups: dict[str, dict[str, Any]] = {}
    for item in all_nav_items():
        if item.capability is not None and item.capability not in held:
            continue
        url = nav_url(item.url_name)
        if url is None:
            continue
        entry = {
            "label": item.label_for(program) if item.label_for else item.label,
            "url": url,
            "current": request.path == url or (url != "/" and request.path.startswith(url)),
        }
        nav.append(entry)
        group = item.group
        if group.key not in groups:
            label = group.label_for(program) if group.label_for else group.label
            groups[group.key] = {
                "key": group.key,
                "label": label,
                "order": group.order,
                "items": [],
                "current": False,
            }
        groups[group.key]["items"].append(entry)
        groups[group.key]["current"] |= entry["current"]
    ordered = sorted(groups.values(), key=lambda g: g["order"])
    switch = sorted(programs_known.values(), key=lambda p: p.pk) if len(caps) > 1 else []
    return {
        "nav_items": nav,
        "nav_top": [i for g in ordered if g["key"] == TOP.key for i in g["items"]],
        "nav_groups": [g for g in ordered if g["key"] != TOP.key],
        "switch_programs": switch,
        "current_program_id": current_id,
        "current_program": program,
    }


def _programs_of(user: Any, caps: dict[int, Any]) -> dict[int, Program]:
    """The programs the person works in, from the signed-in person's cached record (no query);
    without one (a test client signed in by `force_login`), one query when the menu needs them."""
    person = getattr(user, "_kindred_person", None)
    if person is not None:
        return dict(person.programs)
    if not caps:
        return {}
    return {p.pk: p for p in Program.objects.filter(pk__in=caps)}
