from typing import Any, cast

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from kindred.accounts.models import User
from kindred.lib.languages import OTHER, language_name, normalize_language, normalize_languages
from kindred.programs.models import Organization, Program
from kindred.programs.roles import Role


class ProgramSettingsForm(forms.ModelForm):
    languages_text = forms.CharField(
        label=_("Languages served"),
        required=False,
        help_text=_("Separated by commas, by name or code, e.g. English, Spanish, ASL or en, es."),
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
            "sends_texts",
        ]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["languages_text"].initial = ", ".join(
            language_name(code) for code in self.instance.languages or []
        )

    def clean_languages_text(self) -> list[str]:
        raw = self.cleaned_data.get("languages_text", "")
        names = [name.strip() for name in raw.split(",") if name.strip()]
        unknown = [name for name in names if normalize_language(name) in (None, OTHER)]
        if unknown:
            raise forms.ValidationError(
                _(
                    "Kindred does not know these languages: %(names)s. Write a language's name "
                    "(e.g. Vietnamese) or its ISO 639 code (e.g. vi)."
                ),
                params={"names": ", ".join(unknown)},
            )
        return normalize_languages(names)

    def save(self, commit: bool = True) -> Program:
        self.instance.languages = self.cleaned_data["languages_text"]
        return super().save(commit)


class ProgramCreateForm(ProgramSettingsForm):
    """A new program (organization administrators): its settings, its targets and the e-mail of
    its first coordinator, who is invited when the program is saved."""

    organization = forms.ModelChoiceField(
        label=_("Organization"), queryset=Organization.objects.none(), empty_label=None
    )
    match_target_hours = forms.IntegerField(
        label=_("Match target (hours from intake)"),
        min_value=1,
        max_value=720,
        initial=48,
        help_text=_("Parent to Parent practice: a match within 48 hours of intake."),
    )
    coordinator_email = forms.EmailField(
        label=_("E-mail of the program's first coordinator"),
        help_text=_(
            "They receive an invitation to join as coordinator; more people are invited from "
            "the members page."
        ),
    )

    class Meta(ProgramSettingsForm.Meta):
        fields = ["organization", *ProgramSettingsForm.Meta.fields]

    def __init__(self, *args: Any, organizations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organization = cast(forms.ModelChoiceField, self.fields["organization"])
        organization.queryset = organizations
        choices = list(organizations)
        if len(choices) == 1:
            # The form's own initial (from the unsaved instance: no organization) would win over
            # the field's: the hidden field would post nothing.
            self.initial["organization"] = organization.initial = choices[0].pk
            organization.widget = forms.HiddenInput()
        self.fields["languages_text"].initial = "English, Spanish"
        order = [
            "organization",
            "name",
            "scope",
            "offers_one_to_one",
            "offers_groups",
            "offers_virtual",
            "mentor_title",
            "mentor_title_es",
            "languages_text",
            "first_contact_target_hours",
            "match_target_hours",
            "accepts_outside_referrals",
            "coordinator_email",
        ]
        self.order_fields(order)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        offers = ("offers_one_to_one", "offers_groups", "offers_virtual")
        if not any(data.get(name) for name in offers):
            self.add_error(
                "offers_one_to_one",
                _("Choose at least one way the program supports families."),
            )
        return data


class InviteMemberForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class ChangeRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class AcceptInvitationForm(forms.Form):
    """New people choose their name and password; existing accounts confirm their password."""

    full_name = forms.CharField(label=_("Full name"), max_length=200, required=False)
    preferred_name = forms.CharField(
        label=_("Name to greet you by"),
        max_length=100,
        required=False,
        help_text=_("What Kindred calls you, e.g. Rosa. Left empty, your first name is used."),
    )
    password1 = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label=_("Password again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        required=False,
    )

    def __init__(self, *args: Any, existing_user: User | None, email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.existing_user = existing_user
        self.email = email
        if existing_user is not None:
            del self.fields["full_name"]
            del self.fields["preferred_name"]
            del self.fields["password2"]
            self.fields["password1"].label = _("Your current password")
            self.fields["password1"].widget.attrs["autocomplete"] = "current-password"
        else:
            self.fields["full_name"].required = True
            self.fields["password2"].required = True

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        password = data.get("password1")
        if not password:
            return data
        if self.existing_user is not None:
            if not self.existing_user.check_password(password):
                raise forms.ValidationError(_("That password is not right for this account."))
            return data
        if data.get("password2") and password != data.get("password2"):
            self.add_error("password2", _("The two passwords are not the same."))
            return data
        candidate = User(email=self.email, full_name=data.get("full_name", ""))
        try:
            password_validation.validate_password(password, candidate)
        except forms.ValidationError as error:
            self.add_error("password1", error)
        return data
