from django import forms
from django.utils.translation import gettext_lazy as _

from kindred.programs.models import Program
from kindred.programs.roles import Role


class ProgramSettingsForm(forms.ModelForm):
    languages_text = forms.CharField(
        label=_("Languages served"),
        required=False,
        help_text=_("Language codes separated by commas, e.g. en, es, vi."),
    )

    class Meta:
        model = Program
        fields = [
            "name",
            "scope",
            "offers_one_to_one",
            "offers_groups",
            "offers_virtual",
            "mentor_title",
            "mentor_title_es",
            "first_contact_target_hours",
            "accepts_outside_referrals",
        ]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["languages_text"].initial = ", ".join(self.instance.languages or [])

    def clean_languages_text(self) -> list[str]:
        raw = self.cleaned_data.get("languages_text", "")
        codes = [c.strip().lower() for c in raw.split(",") if c.strip()]
        bad = [c for c in codes if not (2 <= len(c) <= 3 and c.isalpha())]
        if bad:
            raise forms.ValidationError(
                _("These are not language codes: %(codes)s. Use two or three letters, e.g. es."),
                params={"codes": ", ".join(bad)},
            )
        return list(dict.fromkeys(codes))

    def save(self, commit: bool = True) -> Program:
        self.instance.languages = self.cleaned_data["languages_text"]
        return super().save(commit)


class InviteMemberForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class ChangeRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
