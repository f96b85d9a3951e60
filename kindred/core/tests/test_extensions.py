import pytest

from kindred.lib.extensions import app_modules


def test_it_finds_each_apps_module_of_a_name_in_installed_order() -> None:
    names = [m.__name__ for m in app_modules("nav")]
    assert names[:3] == ["kindred.core.nav", "kindred.programs.nav", "kindred.audit.nav"]
    assert app_modules("no_such_extension") == ()
    assert "kindred.families.demo" not in [
        m.__name__ for m in app_modules("demo", exclude=("kindred.families",))
    ]


def test_it_does_not_hide_a_broken_import_inside_an_extension(monkeypatch) -> None:
    # An extension module that exists but imports something missing must fail loudly.
    def find(name: str, *args: object) -> object:
        if name == "kindred.audit.broken_ext":
            raise ModuleNotFoundError("No module named 'nowhere'", name="nowhere")
        return original(name, *args)

    import kindred.lib.extensions as extensions

    original = extensions.import_module
    monkeypatch.setattr(extensions, "import_module", find)
    with pytest.raises(ModuleNotFoundError):
        app_modules.__wrapped__("broken_ext")
