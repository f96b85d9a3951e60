"""URLs reversed once per process.

A page that links the same views on every request (the home page's cards link a dozen) need not
walk the URL resolver each time: `url_for(name, *args)` remembers each answer, keyed by the
script prefix and the request's URLconf as well, and forgets them all when a test swaps
`ROOT_URLCONF`. Kindred's URLs carry no language prefix, so the active language is no part of
the key.
"""

from functools import lru_cache

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse


@lru_cache(maxsize=4096)
def _reversed(prefix: str, urlconf: str | None, viewname: str, args: tuple[int | str, ...]) -> str:
    return reverse(viewname, urlconf=urlconf, args=args or None)


def url_for(viewname: str, *args: int | str) -> str:
    """`reverse(viewname, args=args)`, answered from memory after its first call."""
    return _reversed(get_script_prefix(), get_urlconf(), viewname, args)


@receiver(setting_changed)
def _forget(*, setting: str, **kwargs: object) -> None:
    if setting == "ROOT_URLCONF":
        _reversed.cache_clear()
