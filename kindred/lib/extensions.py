"""Extension points: each Kindred app may add a module of a known name (`nav`, `home`, `demo`,
`timeline`, `family_merge`, `tests.walk`) and the app that reads it collects them here.

Found once per process: a failed import is not cached by Python, so looking for a missing module
on every request would search the file system each time.
"""

from functools import cache
from importlib import import_module
from types import ModuleType

from django.apps import apps


@cache
def app_modules(name: str, *, exclude: tuple[str, ...] = ()) -> tuple[ModuleType, ...]:
    """The `<app>.<name>` module of every Kindred app that has one, in INSTALLED_APPS order."""
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("kindred.") or config.name in exclude:
            continue
        dotted = f"{config.name}.{name}"
        try:
            found.append(import_module(dotted))
        except ModuleNotFoundError as error:
            # Only "this app has no such module" is expected; a missing import inside an
            # existing module is a real error and must not be silently skipped.
            if error.name is None or not (
                dotted == error.name or dotted.startswith(error.name + ".")
            ):
                raise
    return tuple(found)
