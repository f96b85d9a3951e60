from functools import cache
from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from kindred.lib import extensions
from kindred.lib.nav import NavItem
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
    nav = []
    for item in all_nav_items():
        if item.capability is not None and item.capability not in held:
            continue
        url = nav_url(item.url_name)
        if url is None:
            continue
        nav.append(
            {
                "label": item.label,
                "url": url,
                "current": request.path == url or (url != "/" and request.path.startswith(url)),
            }
        )
    programs: list[Program] = []
    if len(caps) > 1:
        person = getattr(user, "_kindred_person", None)
        if person is not None:  # the programs come with the signed-in person's cached record
            programs = sorted(person.programs.values(), key=lambda p: p.pk)
        else:
            programs = list(Program.objects.filter(pk__in=caps).only("id", "name"))
    current_id = request.session.get(SESSION_PROGRAM_KEY)
    return {"nav_items": nav, "switch_programs": programs, "current_program_id": current_id}
