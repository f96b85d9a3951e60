from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from kindred.apitokens.models import MAX_DAYS, PersonalToken
from kindred.programs.access import capabilities
from kindred.programs.models import Program

LIFETIMES = [(7, _("7 days")), (30, _("30 days")), (90, _("90 days")), (MAX_DAYS, _("1 year"))]


class TokenForm(forms.ModelForm):
    days = forms.TypedChoiceField(
        label=_("Expires after"), choices=LIFETIMES, coerce=int, initial=30
    )

    class Meta:
        model = PersonalToken
        fields = ["name", "programs", "can_write"]
        widgets = {"programs": forms.CheckboxSelectMultiple}
        help_texts = {
            "programs": _(
                "The token reaches only these programs, and only what your role there allows."
            ),
            "can_write": _("Leave unticked for a token that can only read."),
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelMultipleChoiceField, self.fields["programs"])
        field.queryset = Program.objects.filter(pk__in=list(capabilities(user))).order_by("name")
        field.error_messages["required"] = _("Choose at least one program.")
        self.fields["name"].error_messages["required"] = _("Say what the token is for.")
