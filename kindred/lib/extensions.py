"""Extension points: each Kindred app may add a module of a known name, and the app that reads
those modules collects them here, typed by the `Protocol` the module must satisfy.

| module in an app   | Protocol               | read by                                   |
|--------------------|------------------------|-------------------------------------------|
| `nav`              | `NavModule`            | the base layout's menu (core)             |
| `home`             | `HomeModule`           | the home page (core)                      |
| `timeline`         | `TimelineModule`       | the family page's story (families)        |
| `family_merge`     | `FamilyMergeModule`    | merging two family records (families)     |
| `demo`             | `DemoModule`           | `manage.py load_demo` (core)              |
| `program_changed`  | `ProgramChangedModule` | the program settings page (programs)      |
| `program_created`  | `ProgramCreatedModule` | a new program's targets (programs)        |
| `two_factor`       | `TwoFactorModule`      | sign-in: who must use a second factor     |
| `matched_families` | `MatchedFamiliesModule`| a mentor's families (families.models)     |
| `mentor_stopped`   | `MentorStoppedModule`  | a mentor paused or left (mentors.services)|
| `consent_changed`  | `ConsentChangedModule` | a family's consent recorded (families)    |
| `referral_changed` | `ReferralChangedModule`| a saved referral changed (referrals)      |
| `measures`         | `MeasuresModule`       | reports and objectives (`lib.measures`)   |
| `api_routes`       | `ApiRoutesModule`      | the JSON API (`kindred/api.py`)           |
| `panels`           | `PanelsModule`         | another app's page (matching, families)   |
| `tests.walk`       | `WalkModule`           | the permission walk test (core tests)     |
| `bench/bench_*.py` | `BenchModule`          | `make bench` (files of bench/, not apps)  |

A module is found with Django's `module_has_submodule` (the way Django finds `admin` modules and
Wagtail its `wagtail_hooks`): an app without the module is skipped, while an import error
*inside* a module that exists is raised, never hidden. A module that lacks what its Protocol
names fails at once with ImproperlyConfigured. Modules are found once per process: looking for
a missing module searches the file system, which must not happen on every request.
"""

from collections.abc import Iterable, Sequence
from functools import cache
from importlib import import_module
from types import ModuleType
from typing import Any, Protocol, runtime_checkable

from django.apps import AppConfig, apps
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.utils.module_loading import module_has_submodule

from kindred.lib.demo import DemoContext
from kindred.lib.nav import NavItem


@runtime_checkable
class NavModule(Protocol):
    NAV_ITEMS: Sequence[NavItem]


@runtime_checkable
class HomeModule(Protocol):
    def home_cards(self, request: HttpRequest) -> list[dict[str, Any]]:
        """Cards for the signed-in person's home page: dicts of title, text and links."""
        ...


@runtime_checkable
class TimelineModule(Protocol):
    def timeline_entries(self, family: Any, request: Any) -> Iterable[Any]:
        """This app's `families.timeline.TimelineEntry` items for one family's story."""
        ...


@runtime_checkable
class FamilyMergeModule(Protocol):
    def reassign(self, *, keep: Any, merged: Any) -> None:
        """Move this app's rows of the `merged` family to `keep` (inside the merge's transaction)."""
        ...


@runtime_checkable
class DemoModule(Protocol):
    def load(self, ctx: DemoContext) -> None:
        """Add this app's demo data to the demo program; idempotent."""
        ...


@runtime_checkable
class ProgramChangedModule(Protocol):
    def program_changed(self, program: Any, *, by: Any, request: HttpRequest | None) -> None:
        """A program's settings were saved (inside the save's transaction)."""
        ...


@runtime_checkable
class ProgramCreatedModule(Protocol):
    def program_created(
        self, program: Any, *, targets: dict[str, int], by: Any, request: HttpRequest | None
    ) -> None:
        """A program was created (inside the creation's transaction) with the targets its
        administrator chose (`match_target_hours`): an app keeps the ones it owns."""
        ...


@runtime_checkable
class TwoFactorModule(Protocol):
    def requires_two_factor(self, user: Any) -> bool:
        """Whether `user`'s roles oblige them to sign in with a second factor (accounts asks
        at sign-in; the roles live above it)."""
        ...


@runtime_checkable
class MatchedFamiliesModule(Protocol):
    def matched_family_ids(self, user: Any, program_ids: list[int]) -> Any:
        """Ids (a values queryset or a list) of the families matched to `user`, a mentor."""
        ...


@runtime_checkable
class MentorStoppedModule(Protocol):
    def mentor_stopped(self, *, mentor: Any, change: Any, request: HttpRequest | None) -> None:
        """A mentor left the matchable set (paused, alumni), inside the change's transaction."""
        ...


@runtime_checkable
class ConsentChangedModule(Protocol):
    def consent_changed(self, family: Any, scope: str, *, by: Any, request: Any) -> None:
        """A consent decision of `family` for `scope` was recorded (inside its transaction):
        act on a withdrawal at once (leave groups, stop reminders)."""
        ...


@runtime_checkable
class ReferralChangedModule(Protocol):
    def referral_changed(self, referral: Any) -> None:
        """A saved referral changed (its version moved), inside the save's transaction: queue
        what must follow after commit (the FHIR push to a sender's subscription)."""
        ...


@runtime_checkable
class MeasuresModule(Protocol):
    """`MEASURES`: this app's `kindred.lib.measures.Measure` items (program numbers over a period)."""

    MEASURES: Sequence[Any]


@runtime_checkable
class ApiRoutesModule(Protocol):
    """`PREFIX` (e.g. "families") and `router` (a `ninja.Router`): this app's nouns in the JSON
    API, mounted at `/api/<PREFIX>/` (`kindred.programs.api_kit` for scoping and paging)."""

    PREFIX: str
    router: Any


@runtime_checkable
class PanelsModule(Protocol):
    def panels(self, page: str, obj: Any, request: HttpRequest) -> list[dict[str, Any]]:
        """Sections this app adds to a page of a lower app (`page`: "matching.match",
        "families.family"; `obj`: its object): dicts with a `template` to include, which
        receives the dict as `panel`. Each app checks its own rules for the viewer."""
        ...


@runtime_checkable
class WalkModule(Protocol):
    """`ROUTES` (core.testing.walk.Route), and optionally `setup(world)`, which puts the objects
    the routes need into `world.objects` (a Protocol cannot name an optional member)."""

    ROUTES: Sequence[Any]


@runtime_checkable
class BenchModule(Protocol):
    def run(self, ctx: Any) -> Iterable[Any]:
        """`bench.common.BenchResult` items measured in `ctx` (`bench.common.BenchContext`)."""
        ...


def _kindred_apps() -> list[AppConfig]:
    return [config for config in apps.get_app_configs() if config.name.startswith("kindred.")]


@cache
def app_modules(name: str, *, exclude: tuple[str, ...] = ()) -> tuple[ModuleType, ...]:
    """The `<app>.<name>` module of every Kindred app that has one, in INSTALLED_APPS order."""
    found = []
    for config in _kindred_apps():
        if config.name in exclude or not module_has_submodule(config.module, name):
            continue
        found.append(import_module(f"{config.name}.{name}"))
    return tuple(found)


def _typed(name: str, protocol: Any, exclude: tuple[str, ...]) -> tuple[Any, ...]:
    # `protocol` is a runtime-checkable Protocol class: mypy refuses one as a `type[P]`.
    modules = app_modules(name, exclude=exclude)
    for module in modules:
        if not isinstance(module, protocol):
            raise ImproperlyConfigured(
                f"{module.__name__} is a `{name}` extension but does not provide what "
                f"{protocol.__name__} names (kindred.lib.extensions)."
            )
    return modules


def nav_modules(*, exclude: tuple[str, ...] = ()) -> tuple[NavModule, ...]:
    return _typed("nav", NavModule, exclude)


def home_modules(*, exclude: tuple[str, ...] = ()) -> tuple[HomeModule, ...]:
    return _typed("home", HomeModule, exclude)


def timeline_modules(*, exclude: tuple[str, ...] = ()) -> tuple[TimelineModule, ...]:
    return _typed("timeline", TimelineModule, exclude)


def family_merge_modules(*, exclude: tuple[str, ...] = ()) -> tuple[FamilyMergeModule, ...]:
    return _typed("family_merge", FamilyMergeModule, exclude)


def demo_modules(*, exclude: tuple[str, ...] = ()) -> tuple[DemoModule, ...]:
    return _typed("demo", DemoModule, exclude)


def program_changed_modules(*, exclude: tuple[str, ...] = ()) -> tuple[ProgramChangedModule, ...]:
    return _typed("program_changed", ProgramChangedModule, exclude)


def program_created_modules(*, exclude: tuple[str, ...] = ()) -> tuple[ProgramCreatedModule, ...]:
    return _typed("program_created", ProgramCreatedModule, exclude)


def two_factor_modules(*, exclude: tuple[str, ...] = ()) -> tuple[TwoFactorModule, ...]:
    return _typed("two_factor", TwoFactorModule, exclude)


def matched_families_modules(*, exclude: tuple[str, ...] = ()) -> tuple[MatchedFamiliesModule, ...]:
    return _typed("matched_families", MatchedFamiliesModule, exclude)


def mentor_stopped_modules(*, exclude: tuple[str, ...] = ()) -> tuple[MentorStoppedModule, ...]:
    return _typed("mentor_stopped", MentorStoppedModule, exclude)


def consent_changed_modules(*, exclude: tuple[str, ...] = ()) -> tuple[ConsentChangedModule, ...]:
    return _typed("consent_changed", ConsentChangedModule, exclude)


def referral_changed_modules(*, exclude: tuple[str, ...] = ()) -> tuple[ReferralChangedModule, ...]:
    return _typed("referral_changed", ReferralChangedModule, exclude)


def measures_modules(*, exclude: tuple[str, ...] = ()) -> tuple[MeasuresModule, ...]:
    return _typed("measures", MeasuresModule, exclude)


def api_routes_modules(*, exclude: tuple[str, ...] = ()) -> tuple[ApiRoutesModule, ...]:
    return _typed("api_routes", ApiRoutesModule, exclude)


def panels_modules(*, exclude: tuple[str, ...] = ()) -> tuple[PanelsModule, ...]:
    return _typed("panels", PanelsModule, exclude)


def page_panels(page: str, obj: Any, request: HttpRequest) -> list[dict[str, Any]]:
    """Every app's panels for one page, in INSTALLED_APPS order."""
    return [panel for module in panels_modules() for panel in module.panels(page, obj, request)]


def walk_modules(*, exclude: tuple[str, ...] = ()) -> tuple[WalkModule, ...]:
    return _typed("tests.walk", WalkModule, exclude)


def bench_module(dotted: str) -> BenchModule:
    """One benchmark module of bench/ (found by file name there, not per app)."""
    module = import_module(dotted)
    if not isinstance(module, BenchModule):
        raise ImproperlyConfigured(f"{dotted} must define run(ctx) (kindred.lib.extensions).")
    return module
