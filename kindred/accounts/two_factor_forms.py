from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_("The 6-digit code your authenticator app shows now, or one recovery code."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"}
        ),
        error_messages={"required": _("Enter the code from your authenticator app.")},
    )

    def __init__(self, *args: Any, remember: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if remember:
            self.fields["remember"] = forms.BooleanField(
                label=_("Remember this browser for 30 days"),
                required=False,
                help_text=_("Only on a device that is yours alone."),
            )


class SetupForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the app"),
        max_length=10,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9 ]*"}
        ),
        error_messages={"required": _("Enter the 6-digit code your app shows.")},
    )
