"""Django's form renderer, with `<select>` written out in Python.

Django renders each `<option>` by including its template: about 25 µs an option, and a language
list holds some 2,000 (`kindred.lib.languages`), so one language field cost a family search, a
directory search or a referral form tens of milliseconds. The HTML is the same as Django's
`select.html`, `select_option.html` and `attrs.html` (`core/tests/test_form_renderer.py` compares
them); a select whose options use another template is left to Django.
"""

from typing import Any

from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.html import conditional_escape

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"
MULTIPLE = {"django/forms/widgets/checkbox_select.html", "django/forms/widgets/radio.html"}
INPUT_OPTIONS = {
    "django/forms/widgets/checkbox_option.html",
    "django/forms/widgets/radio_option.html",
}


def _e(value: Any) -> str:
    return str(conditional_escape(value))


def _attrs(attrs: dict[str, Any]) -> str:
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        out.append(f" {_e(name)}" if value is True else f' {_e(name)}="{_e(str(value))}"')
    return "".join(out)


def _select(widget: dict[str, Any]) -> str:
    out = [f'<select name="{_e(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{_e(localize(group_name))}">')
        for option in group_choices:
            out.append(
                f'\n  <option value="{_e(str(option["value"]))}"'
                f"{_attrs(option['attrs'])}>{_e(localize(option['label']))}</option>\n"
            )  # the option template's own line end
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>")
    return "".join(out)


def _input(widget: dict[str, Any]) -> str:
    """`input.html` (with its line end, as an include of the file gives it)."""
    value = widget["value"]
    # `!= None` as the template has it (a model choice's value object compares by its value).
    shown = "" if value == None else f' value="{_e(str(value))}"'  # noqa: E711
    return (
        f'<input type="{_e(widget["type"])}" name="{_e(widget["name"])}"{shown}'
        f"{_attrs(widget['attrs'])}>\n"
    )


def _input_option(option: dict[str, Any]) -> str:
    """`checkbox_option.html` / `radio_option.html`: `input_option.html` and a line end."""
    if not option["wrap_label"]:
        return _input(option) + "\n\n"
    target = option["attrs"].get("id")
    label_for = f' for="{_e(target)}"' if target else ""
    return f"<label{label_for}>{_input(option)} {_e(localize(option['label']))}</label>\n\n"


def _multiple(widget: dict[str, Any]) -> str:
    """`multiple_input.html`: a radio list or a list of checkboxes."""
    attrs = widget["attrs"]
    out = ["<div"]
    if attrs.get("id"):
        out.append(f' id="{_e(attrs["id"])}"')
    if attrs.get("class"):
        out.append(f' class="{_e(attrs["class"])}"')
    out.append(">")
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            out.append(f"\n  <div><label>{_e(localize(group_name))}</label>")
        out.extend(f"<div>\n    {_input_option(option)}</div>" for option in options)
        if group_name:
            out.append("\n  </div>")
    out.append("\n</div>")
    return "".join(out)


def _options_use(widget: dict[str, Any], templates: set[str]) -> bool:
    return all(
        option.get("template_name") in templates
        for _name, choices, _index in widget["optgroups"]
        for option in choices
    )


class FormRenderer(DjangoTemplates):
    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        widget = context.get("widget")
        if widget is not None and template_name == SELECT and _options_use(widget, {OPTION}):
            return _select(widget)
        if widget is not None and template_name in MULTIPLE and _options_use(widget, INPUT_OPTIONS):
            return _multiple(widget).strip()
        return super().render(template_name, context, request=request)
