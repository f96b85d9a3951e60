import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kindred.fhir.models import FhirClient
from kindred.programs.models import Organization, Program


class ClientForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the system"),
        max_length=200,
        help_text=_("For example: Children's Hospital Epic (production)."),
    )
    organization = forms.ModelChoiceField(
        label=_("Organization that sends the referrals"),
        queryset=Organization.objects.order_by("name"),
    )
    owner_reference = forms.CharField(
        label=_("How the EHR names this program (Task.owner)"),
        max_length=200,
        required=False,
        help_text=_(
            "Optional, e.g. Organization/peer-support. Kindred's own name for it is always accepted: HealthcareService/%(id)s."
        ),
    )
    jwks = forms.CharField(
        label=_("Public key set (JWKS, JSON)"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
    )
    jwks_url = forms.URLField(
        label=_("or its URL (https)"), max_length=500, required=False, assume_scheme="https"
    )

    def __init__(self, *args: Any, program: Program, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.program = program
        self.fields["owner_reference"].help_text = str(self.fields["owner_reference"].help_text) % {
            "id": program.pk
        }
        self.fields["organization"].initial = program.organization_id

    def clean_jwks(self) -> Any:
        text = self.cleaned_data["jwks"].strip()
        if not text:
            return None
        # Imported here, not by every web worker (cryptography: about 7 MiB).
        from joserfc.errors import JoseError
        from joserfc.jwk import KeySet

        try:
            data = json.loads(text)
            keys = KeySet.import_key_set(data)
        except (ValueError, TypeError, KeyError, JoseError):
            raise forms.ValidationError(
                _('Paste a JSON Web Key Set: {"keys": [...]}, public keys only.')
            ) from None
        if any(key.is_private for key in keys.keys):
            raise forms.ValidationError(
                _("This key set holds a private key: paste the public keys only.")
            )
        if not any(key.key_type in ("RSA", "EC") for key in keys.keys):
            raise forms.ValidationError(
                _("Kindred verifies RS384 (RSA) or ES384 (EC P-384) signatures: give such a key.")
            )
        return {"keys": [key.as_dict(private=False) for key in keys.keys]}

    def clean_jwks_url(self) -> str:
        url = self.cleaned_data["jwks_url"].strip()
        if url and not url.startswith("https://"):
            raise forms.ValidationError(_("The key set's URL must use https."))
        return url

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("jwks") and not data.get("jwks_url") and not self.errors.get("jwks"):
            self.add_error("jwks", _("Give the client's public key set, or its URL."))
        organization = data.get("organization")
        if (
            organization
            and organization.pk != self.program.organization_id
            and not self.program.accepts_outside_referrals
        ):
            self.add_error(
                "organization",
                _(
                    "This program does not accept referrals from other organizations (program settings)."
                ),
            )
        reference = (data.get("owner_reference") or "").strip()
        if reference and "/" not in reference:
            self.add_error(
                "owner_reference",
                _("A FHIR reference looks like Type/id, e.g. Organization/peer-support."),
            )
        data["owner_reference"] = reference
        return data


def clients_of(program: Program) -> Any:
    return (
        FhirClient.objects.filter(links__program=program)
        .select_related("organization")
        .order_by("revoked_at", "name")
    )
