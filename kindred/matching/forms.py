from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from kindred.lib.languages import language_choices
from kindred.matching.engine import CRITERIA
from kindred.matching.models import CLOSE_REASONS, DECLINE_REASONS, FamilyWishes, MatchSettings
from kindred.matching.models.settings import CRITERION_LABELS, LEVEL_CHOICES
from kindred.mentors.vocab import FAMILY_SITUATIONS, TREATMENTS


class SettingsForm(forms.ModelForm):
    class Meta:
        model = MatchSettings
        fields = [
            "target_hours",
            "duration_weeks",
            "remind_days_before_end",
            "fit_check_days",
            "readiness",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for criterion in CRITERIA:
            self.fields[f"w_{criterion}"] = forms.TypedChoiceField(
                label=CRITERION_LABELS[criterion],
                choices=LEVEL_CHOICES,
                coerce=int,
                initial=int(self.instance.weight(criterion)),
            )

    def clean_target_hours(self) -> int:
        value = self.cleaned_data["target_hours"]
        if not 1 <= value <= 720:
            raise forms.ValidationError(_("Enter a number of hours between 1 and 720."))
        return int(value)

    def clean_duration_weeks(self) -> int | None:
        value = self.cleaned_data.get("duration_weeks")
        if value is not None and not 1 <= value <= 104:
            raise forms.ValidationError(_("Enter a number of weeks between 1 and 104, or none."))
        return value

    def clean_fit_check_days(self) -> int:
        value = self.cleaned_data["fit_check_days"]
        if not 1 <= value <= 90:
            raise forms.ValidationError(_("Enter a number of days between 1 and 90."))
        return int(value)

    def clean_remind_days_before_end(self) -> int:
        value = self.cleaned_data["remind_days_before_end"]
        if not 0 <= value <= 60:
            raise forms.ValidationError(_("Enter a number of days between 0 and 60."))
        return int(value)

    def weight_fields(self) -> list[Any]:
        return [self[f"w_{c}"] for c in CRITERIA]

    def save(self, commit: bool = True) -> MatchSettings:
        self.instance.weights = {c: self.cleaned_data[f"w_{c}"] for c in CRITERIA}
        return super().save(commit=commit)


class WishesForm(forms.ModelForm):
    situations = forms.MultipleChoiceField(
        label=_("The family's situation"),
        choices=FAMILY_SITUATIONS,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    treatments = forms.MultipleChoiceField(
        label=_("Treatments the child has had"),
        choices=TREATMENTS,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = FamilyWishes
        fields = ["in_person", "situations", "treatments", "culture_wanted"]


class LooserForm(forms.Form):
    """A looser match the family agrees to: the must-haves they let go of, in their words."""

    relaxed = forms.MultipleChoiceField(
        label=_("Must-haves the family agrees to loosen"),
        choices=[(c, CRITERION_LABELS[c]) for c in CRITERIA],
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(
        label=_("What the family agreed to, and when"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class OfferForm(forms.Form):
    mentor = forms.IntegerField(min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput)


class BlockForm(forms.Form):
    mentor = forms.TypedChoiceField(label=_("Mentor"), coerce=int, choices=[])
    note = forms.CharField(label=_("The conflict of interest"), max_length=500)

    def __init__(self, *args: Any, mentors: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["mentor"]).choices = [
            (m.pk, m.full_name) for m in mentors
        ]


class RespondForm(forms.Form):
    """The mentor's answer to an offer."""

    answer = forms.ChoiceField(
        label=_("Your answer"),
        choices=[
            ("accept", _("Yes, I will support this family")),
            ("ask", _("I need more information first")),
            ("decline", _("No, I cannot")),
        ],
        widget=forms.RadioSelect,
    )
    code = forms.ChoiceField(
        label=_("If you cannot, why?"),
        choices=[("", "—"), *DECLINE_REASONS],
        required=False,
    )
    note = forms.CharField(
        label=_("Your question or a note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("answer") == "decline" and not data.get("code"):
            self.add_error("code", _("Please choose a reason."))
        if data.get("answer") == "ask" and not (data.get("note") or "").strip():
            self.add_error("note", _("Please write what you would like to know."))
        return data


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Your answer to the mentor"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CloseForm(forms.Form):
    code = forms.ChoiceField(label=_("Why the match closes"), choices=[("", "—"), *CLOSE_REASONS])
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Why it is withdrawn"), max_length=500)


class FitForm(forms.Form):
    fit = forms.ChoiceField(
        label=_("Is it a good fit?"),
        choices=[("good", _("Yes, a good fit")), ("not_good", _("No, not a good fit"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class WaitingFilterForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), required=False)
    zip = forms.CharField(label=_("ZIP code starts with"), required=False, max_length=5)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["language"]).choices = [
            ("", _("Any language")),
            *language_choices(),
        ]

    def clean_zip(self) -> str:
        value = (self.cleaned_data.get("zip") or "").strip()
        if value and not value.isdigit():
            raise forms.ValidationError(_("Digits only."))
        return value
