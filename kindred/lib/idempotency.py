"""One submission of a public form is one row, however often it is posted.

The form carries a hidden one-time key, random and signed by Kindred (so only keys this site
handed out count, and only for a while). The row it creates stores the key's SHA-256 digest
under a unique constraint: a second POST of the same key (a double click, the back button, a
retry on a slow line, two tabs) finds the first row, and two concurrent POSTs cannot both
insert. The page then shows the same thank-you, not an error.
"""

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django import forms
from django.core import signing

SALT = "kindred.public-form.submission"
KEY_MAX_AGE = timedelta(days=2)  # a page left open over a weekend night still sends


def new_submission_key() -> str:
    return signing.TimestampSigner(salt=SALT).sign(secrets.token_urlsafe(24))


def submission_digest(key: str | None) -> str:
    """The digest to store for a key Kindred issued, still valid; "" for anything else."""
    if not key or len(key) > 200:
        return ""
    try:
        token = signing.TimestampSigner(salt=SALT).unsign(key, max_age=KEY_MAX_AGE)
    except signing.BadSignature:  # also SignatureExpired
        return ""
    return hashlib.sha256(token.encode()).hexdigest()


class OneSubmissionForm:
    """Mixin for a public form: a hidden `submission_key` field, cleaned to its digest ("" when
    missing, forged or expired, with the form's own `expired_message`, translated in its app, as
    an error of the whole form). Call `add_submission_key()` in the form's __init__."""

    expired_message: Any = ""
    fields: dict[str, forms.Field]
    data: Any

    def add_submission_key(self) -> None:
        self.fields["submission_key"] = forms.CharField(
            widget=forms.HiddenInput, required=False, initial=new_submission_key
        )

    def submission_digest(self) -> str:
        return submission_digest(self.data.get("submission_key"))

    def clean_submission_key(self) -> str:
        digest = submission_digest(self.cleaned_data.get("submission_key"))  # type: ignore[attr-defined]
        if not digest:
            # Shown above the form: a hidden field has no place of its own on the page.
            self.add_error(None, self.expired_message)  # type: ignore[attr-defined]
        return digest

    def renew_submission_key(self) -> None:
        """After a refused key: the page shown again carries a fresh one."""
        self.data = self.data.copy()
        self.data["submission_key"] = new_submission_key()
