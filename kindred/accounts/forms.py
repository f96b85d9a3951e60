from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.template import loader
from django.utils.translation import gettext_lazy as _

from kindred.accounts.models import User
from kindred.lib.mail import send_email_after_commit


class LoginForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    error_messages = {
        "invalid_login": _("That e-mail and password do not match an active account."),
        "inactive": _("This account is not active."),
    }


class QueuedPasswordResetForm(PasswordResetForm):
    """Password reset whose e-mail goes out through the Tasks API after commit.

    Django's form already answers the same whether or not the address has an account.
    """

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        send_email_after_commit(subject=subject, body=body, to=[to_email])


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "language"]


class AcceptInvitationForm(forms.Form):
    """New people choose their name and password; existing accounts confirm their password."""

    full_name = forms.CharField(label=_("Full name"), max_length=200, required=False)
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
