"""The form renderer's `<select>` is byte for byte Django's own."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates

from kindred.core.form_renderer import FormRenderer


class Everything(forms.Form):
    plain = forms.ChoiceField(choices=[("", "Any"), ("a", "A & <b>"), ("b", 'Quote "b"')])
    grouped = forms.ChoiceField(
        choices=[("Fruit", [("1", "Apple"), ("2", "Pear")]), ("3", "Loose"), ("x", 7)],
        widget=forms.Select(attrs={"class": "wide", "data-x": "<y>", "autofocus": True}),
    )
    many = forms.MultipleChoiceField(choices=[(1, "One"), (2, "Two"), (3, "Three")])
    optional = forms.ChoiceField(choices=[("", "—"), ("z", "Z")], required=False, disabled=True)
    boxes = forms.MultipleChoiceField(
        choices=[("a", "A & a"), ("Group", [("b", "B"), ("c", "C")])],
        widget=forms.CheckboxSelectMultiple(attrs={"class": "picker", "data-x": '"q"'}),
    )
    radios = forms.ChoiceField(choices=[("1", "One"), ("2", "<Two>")], widget=forms.RadioSelect)
    unwrapped = forms.ChoiceField(
        choices=[("1", "One")], widget=forms.RadioSelect(attrs={"id": ""})
    )


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"plain": "a", "grouped": "2", "many": ["1", "3"], "boxes": ["a", "c"], "radios": "2"},
        {"plain": "<", "radios": "<"},
    ],
)
def test_a_select_is_the_same_html_as_djangos(data) -> None:
    ours = Everything(data, renderer=FormRenderer())
    django = Everything(data, renderer=DjangoTemplates())
    for name in Everything.base_fields:
        assert str(ours[name]) == str(django[name])


def test_a_language_list_is_the_same_html_as_djangos() -> None:
    from kindred.lib.languages import language_choices

    class Language(forms.Form):
        language = forms.ChoiceField(choices=language_choices)

    form = Language({"language": "es"})
    html = str(Language({"language": "es"}, renderer=FormRenderer())["language"])
    assert html == str(Language({"language": "es"}, renderer=DjangoTemplates())["language"])
    assert '<option value="es" selected>' in html and form.is_valid()


def test_a_form_with_its_own_option_template_is_left_to_django() -> None:
    class Custom(forms.CheckboxSelectMultiple):
        option_template_name = "django/forms/widgets/input.html"

    class Form(forms.Form):
        pick = forms.MultipleChoiceField(choices=[("a", "A")], widget=Custom)

    assert str(Form(renderer=FormRenderer())["pick"]) == str(
        Form(renderer=DjangoTemplates())["pick"]
    )


def test_the_referral_forms_are_the_same_html_as_djangos(world) -> None:
    from kindred.programs.models import Program
    from kindred.referrals.forms import ReferralForm

    def html(renderer) -> str:
        programs = Program.objects.filter(pk=world.program_a.pk)
        form = ReferralForm(programs=programs, renderer=renderer)
        return "".join(str(form[name]) for name in form.fields)

    ours = html(FormRenderer())
    assert ours == html(DjangoTemplates())
    assert 'type="checkbox"' in ours and "<select" in ours
