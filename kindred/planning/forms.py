from datetime import timedelta
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kindred.lib.measures import Unit
from kindred.planning.live import MAX_PERIOD_DAYS, Period, available_measures
from kindred.planning.models import PLAN_FIELDS, Objective, ProgramPlan
from kindred.planning.readiness import SECTIONS, Answer


def field_name(item_key: str) -> str:
    return item_key.replace(".", "-")


class ReadinessForm(forms.Form):
    """Every item of the assessment: its answer and a note."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for section in SECTIONS:
            for item in section.items:
                name = field_name(item.key)
                self.fields[name] = forms.ChoiceField(
                    label=str(item.text), choices=Answer.choices, widget=forms.RadioSelect
                )
                self.fields[f"{name}-note"] = forms.CharField(
                    label=_("Note"),
                    required=False,
                    max_length=2000,
                    widget=forms.Textarea(attrs={"rows": 2}),
                )

    def sections(self) -> list[dict[str, Any]]:
        return [
            {
                "section": section,
                "items": [
                    {
                        "item": item,
                        "answer": self[field_name(item.key)],
                        "note": self[f"{field_name(item.key)}-note"],
                    }
                    for item in section.items
                ],
            }
            for section in SECTIONS
        ]

    def answers(self) -> dict[str, tuple[str, str]]:
        data = self.cleaned_data
        return {
            item.key: (data[field_name(item.key)], data[f"{field_name(item.key)}-note"].strip())
            for section in SECTIONS
            for item in section.items
        }


class PlanForm(forms.ModelForm):
    class Meta:
        model = ProgramPlan
        fields = list(PLAN_FIELDS)
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in PLAN_FIELDS}


class ObjectiveForm(forms.ModelForm):
    measure_key = forms.ChoiceField(label=_("Measure"))

    class Meta:
        model = Objective
        fields = ["title", "measure_key", "comparison", "target"]
        help_texts = {"title": _('In your words, e.g. "First contact within 48 hours".')}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.measures = available_measures()
        choices = [(key, str(m.label)) for key, m in sorted(self.measures.items())]
        current = self.instance.measure_key if self.instance.pk else ""
        if current and current not in self.measures:
            choices.append((current, _("%(key)s (no longer available)") % {"key": current}))
        field = self.fields["measure_key"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("Choose a measure")), *choices]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        measure = self.measures.get(data.get("measure_key") or "")
        target = data.get("target")
        if measure is not None and target is not None:
            if target < 0:
                self.add_error("target", _("A target cannot be negative."))
            elif measure.unit == Unit.PERCENT and target > 100:
                self.add_error("target", _("A percentage target is at most 100."))
        return data


class PeriodForm(forms.Form):
    """The period the plan shows; its last day is included."""

    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        for name in ("start", "end"):
            value = data.get(name)
            if value and not 1900 <= value.year <= 2100:
                self.add_error(name, _("Choose a date between 1900 and 2100."))
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", _("The period ends before it starts."))
            elif (end - start).days >= MAX_PERIOD_DAYS:
                self.add_error("end", _("Choose a period of at most three years."))
        return data

    def period(self) -> Period:
        data = self.cleaned_data
        return Period(data["start"], data["end"] + timedelta(days=1))
