from typing import Any

from django import template
from django.utils import translation

from kindred.lib.languages import language_name

register = template.Library()


@register.filter
def localized(obj: Any, field: str) -> str:
    """A service's text in the current language where it exists: {{ service|localized:"name" }}."""
    language = (translation.get_language() or "en")[:2]
    if hasattr(obj, "text") and field:
        try:
            return obj.text(field, language)
        except TypeError:
            return obj.text(language)
    return getattr(obj, field, "")


@register.filter
def hours(schedule: Any) -> str:
    return schedule.text((translation.get_language() or "en")[:2])


@register.filter
def addresses(service: Any) -> list[Any]:
    found = []
    for link in service.service_at_locations.all():
        found.extend(link.location.addresses.all())
    return found


@register.filter
def miles(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


@register.filter
def language_label(code: str) -> str:
    return language_name(code)
