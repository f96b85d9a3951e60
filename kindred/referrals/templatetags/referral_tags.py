from typing import Any

from django import template
from django.utils.translation import get_language

from kindred.lib.languages import language_name

register = template.Library()


@register.filter
def language_label(code: str) -> str:
    return language_name(code) if code else "—"


@register.simple_tag
def condition_label(condition: Any) -> str:
    """A condition's label in the reader's language, without its code (a queue cell)."""
    language = get_language() or "en"
    return condition.label_es if language == "es" and condition.label_es else condition.label
