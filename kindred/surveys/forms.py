"""The public answer form (built from a survey's items, in the invitation's language) and the
coordinator's forms for surveys and items."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kindred.lib.idempotency import OneSubmissionForm
from kindred.surveys.models import OCCASIONS_FOR, Item, Occasion, Survey

TEXT_MAX = 2000


def agree_choices() -> list[tuple[str, str]]:
    return [
        ("5", _("Strongly agree")),
        ("4", _("Agree")),
        ("3", _("Neither agree nor disagree")),
        ("2", _("Disagree")),
        ("1", _("Strongly disagree")),
    ]


class ResponseForm(OneSubmissionForm, forms.Form):
    """One field per item, named `item_<id>`; `answers()` gives what to save per item."""

    expired_message = gettext_lazy(
        "This page was open too long. Please check your answers and send them again."
    )

    def __init__(self, *args: Any, items: list[Item], language: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            label = item.text_for(language)
            field: forms.Field
            if item.kind == Item.Kind.AGREE:
                field = forms.ChoiceField(choices=agree_choices(), widget=forms.RadioSelect)
            elif item.kind == Item.Kind.YES_NO:
                field = forms.ChoiceField(
                    choices=[("1", _("Yes")), ("0", _("No"))], widget=forms.RadioSelect
                )
            elif item.kind == Item.Kind.CHOICE:
                field = forms.ChoiceField(
                    choices=item.choices_for(language), widget=forms.RadioSelect
                )
            else:
                field = forms.CharField(
                    widget=forms.Textarea(attrs={"rows": 4}), max_length=TEXT_MAX, strip=True
                )
            field.label = label
            field.required = item.required
            self.fields[f"item_{item.pk}"] = field
        self.add_submission_key()

    def answers(self) -> dict[int, dict[str, Any]]:
        """{item id: the Answer's fields} for the items answered (an empty answer is skipped)."""
        found: dict[int, dict[str, Any]] = {}
        for item in self.items:
            value = self.cleaned_data.get(f"item_{item.pk}")
            if value in (None, ""):
                continue
            if item.kind in (Item.Kind.AGREE, Item.Kind.YES_NO):
                found[item.pk] = {"number": int(value)}
            elif item.kind == Item.Kind.CHOICE:
                found[item.pk] = {"choice": value}
            else:
                found[item.pk] = {"text": value}
        return found

    def clean(self) -> dict[str, Any]:
        super().clean()
        if not self.errors and not self.answers():
            raise ValidationError(_("Please answer at least one question."))
        return self.cleaned_data


class SurveyForm(forms.ModelForm):
    occasions = forms.MultipleChoiceField(
        label=gettext_lazy("When it is asked"),
        choices=Occasion.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Survey
        fields = [
            "title",
            "title_es",
            "intro",
            "intro_es",
            "audience",
            "occasions",
            "yearly_sample_size",
            "is_active",
        ]
        widgets = {
            "intro": forms.Textarea(attrs={"rows": 3}),
            "intro_es": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # Who is asked stays what it was: the answers already given are theirs.
            self.fields["audience"].disabled = True

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        audience = data.get("audience")
        if audience:
            wrong = [o for o in data.get("occasions", []) if o not in OCCASIONS_FOR[audience]]
            if wrong:
                self.add_error(
                    "occasions", _("Mentors are asked only when a match closes and yearly.")
                )
        size = data.get("yearly_sample_size")
        if size is not None and not 1 <= size <= 1000:
            self.add_error("yearly_sample_size", _("Between 1 and 1,000 families."))
        return data


class ItemForm(forms.ModelForm):
    choice_lines = forms.CharField(
        label=gettext_lazy("Choices (one a line: English | Spanish)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )

    class Meta:
        model = Item
        fields = ["kind", "text", "text_es", "follow_up_only", "required"]

    def __init__(self, *args: Any, survey: Survey, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.survey = survey

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        lines = [line.strip() for line in data.get("choice_lines", "").splitlines() if line.strip()]
        choices = []
        for n, line in enumerate(lines, start=1):
            en, _sep, es = (part.strip() for part in line.partition("|"))
            if not en or not es:
                self.add_error("choice_lines", _("Each line needs English | Spanish."))
                break
            choices.append({"value": str(n), "en": en[:100], "es": es[:100]})
        if data.get("kind") == Item.Kind.CHOICE and len(choices) < 2:
            self.add_error("choice_lines", _("A choice needs at least two lines."))
        data["choices"] = choices if data.get("kind") == Item.Kind.CHOICE else []
        return data

    def save(self, commit: bool = True) -> Item:
        item = super().save(commit=False)
        item.survey = self.survey
        item.choices = self.cleaned_data["choices"]
        base = slugify(item.text)[:30] or "item"
        taken = set(self.survey.items.values_list("code", flat=True))
        code, n = base, 1
        while code in taken:
            n += 1
            code = f"{base}-{n}"
        item.code = code
        last = self.survey.items.order_by("-order").values_list("order", flat=True).first()
        item.order = (last or 0) + 10
        if commit:
            item.save()
        return item
