import importlib
import sys
from types import SimpleNamespace

import pytest
from django.core.exceptions import ImproperlyConfigured

from kindred.lib import extensions


def names(modules: tuple[object, ...]) -> list[str]:
    return [m.__name__ for m in modules]  # type: ignore[attr-defined]


def test_it_finds_each_kind_of_extension_in_installed_order() -> None:
    assert names(extensions.nav_modules())[:2] == ["kindred.core.nav", "kindred.programs.nav"]
    assert "kindred.mentors.nav" in names(extensions.nav_modules())
    assert names(extensions.home_modules()) == [
        "kindred.programs.home",
        "kindred.families.home",
        "kindred.referrals.home",
        "kindred.mentors.home",
        "kindred.matching.home",
        "kindred.groups.home",
        "kindred.encounters.home",
        "kindred.evaluation.home",
        "kindred.surveys.home",
        "kindred.planning.home",
    ]
    assert names(extensions.timeline_modules())[0] == "kindred.families.timeline"
    assert "kindred.directory.timeline" in names(extensions.timeline_modules())
    assert "kindred.surveys.timeline" in names(extensions.timeline_modules())
    assert names(extensions.family_merge_modules(exclude=("kindred.families",))) == [
        "kindred.referrals.family_merge",
        "kindred.directory.family_merge",
        "kindred.mentors.family_merge",
        "kindred.matching.family_merge",
        "kindred.groups.family_merge",
        "kindred.encounters.family_merge",
        "kindred.surveys.family_merge",
    ]
    demo = names(extensions.demo_modules(exclude=("kindred.core",)))
    assert demo[0] == "kindred.families.demo" and "kindred.mentors.demo" in demo
    assert names(extensions.program_changed_modules()) == ["kindred.directory.program_changed"]
    assert names(extensions.program_created_modules()) == ["kindred.matching.program_created"]
    assert names(extensions.consent_changed_modules()) == [
        "kindred.groups.consent_changed",
        "kindred.fhir.consent_changed",
    ]
    assert names(extensions.referral_changed_modules()) == ["kindred.fhir.referral_changed"]
    measures = names(extensions.measures_modules())
    assert "kindred.referrals.measures" in measures and "kindred.evaluation.measures" in measures
    assert names(extensions.api_routes_modules()) == [
        "kindred.programs.api_routes",
        "kindred.families.api_routes",
        "kindred.referrals.api_routes",
        "kindred.directory.api_routes",
        "kindred.mentors.api_routes",
        "kindred.matching.api_routes",
        "kindred.groups.api_routes",
        "kindred.encounters.api_routes",
    ]
    assert names(extensions.panels_modules()) == [
        "kindred.groups.panels",
        "kindred.encounters.panels",
    ]
    walks = names(extensions.walk_modules())
    assert "kindred.programs.tests.walk" in walks and "kindred.audit.tests.walk" not in walks


def test_it_skips_apps_without_the_module() -> None:
    assert extensions.app_modules("no_such_extension") == ()
    # accounts, audit and core have no home cards.
    assert not [n for n in names(extensions.home_modules()) if ".accounts." in n or ".core." in n]


def test_it_finds_the_modules_once_per_process() -> None:
    assert extensions.nav_modules() is extensions.nav_modules()


@pytest.fixture
def fake_app(tmp_path, monkeypatch):
    """An app package on disk with a good `nav`, a `home` whose own import is broken, a
    `timeline` that lacks what its Protocol names and a benchmark module."""
    package = tmp_path / "kindred_fake_ext"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "nav.py").write_text("NAV_ITEMS = []\n")
    (package / "home.py").write_text("import kindred_no_such_module  # noqa\n")
    (package / "timeline.py").write_text("ENTRIES = []\n")
    (package / "bench_fake.py").write_text("def run(ctx):\n    return []\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    module = importlib.import_module("kindred_fake_ext")
    config = SimpleNamespace(name="kindred_fake_ext", module=module)
    monkeypatch.setattr(extensions, "_kindred_apps", lambda: [config])
    extensions.app_modules.cache_clear()
    yield
    extensions.app_modules.cache_clear()
    for name in [n for n in sys.modules if n.startswith("kindred_fake_ext")]:
        del sys.modules[name]


def test_it_finds_a_module_of_an_app_and_skips_a_missing_one(fake_app) -> None:
    assert names(extensions.nav_modules()) == ["kindred_fake_ext.nav"]
    assert extensions.demo_modules() == ()


def test_it_raises_a_broken_import_inside_an_existing_extension(fake_app) -> None:
    with pytest.raises(ModuleNotFoundError, match="kindred_no_such_module"):
        extensions.home_modules()


def test_it_refuses_a_module_without_what_its_protocol_names(fake_app) -> None:
    with pytest.raises(ImproperlyConfigured, match="TimelineModule"):
        extensions.timeline_modules()


def test_it_checks_a_benchmark_module(fake_app) -> None:
    assert extensions.bench_module("kindred_fake_ext.bench_fake").run(None) == []
    with pytest.raises(ImproperlyConfigured, match="run"):
        extensions.bench_module("kindred_fake_ext.nav")
