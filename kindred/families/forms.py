"""Forms validate, views apply: the services write (kindred.families.services)."""

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, cast

from django import forms
from django.core import signing
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kindred.families.inputs import (
    FAMILY_FIELDS,
    CaregiverInput,
    ChildInput,
    ConsentInput,
    FamilyInput,
    FamilyInputError,
    FieldPath,
)
from kindred.families.models import (
    Caregiver,
    Child,
    Condition,
    ConditionCategory,
    Consent,
    Experience,
    Family,
)
from kindred.lib.languages import language_choices
from kindred.programs.models import Program

SNAPSHOT_SALT = "kindred.families.edit-snapshot"
# What an empty optional field of a caregiver's form stands for in the typed input.
_EMPTY: dict[str, Any] = {"is_primary": False, "interpreter_needed": False}


class FamilyForm(forms.ModelForm):
    class Meta:
        model = Family
        fields = ["name", "address_line1", "address_line2", "city", "state", "zip_code", "notes"]
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 4}),
            "zip_code": forms.TextInput(
                attrs={"inputmode": "numeric", "autocomplete": "postal-code"}
            ),
            "state": forms.TextInput(attrs={"autocomplete": "address-level1", "size": 2}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].required = False
        self.fields["name"].help_text = _(
            "How the program refers to this family. Left empty: the first caregiver's last name."
        )

    def to_input(
        self,
        *,
        caregivers: Sequence[CaregiverInput],
        children: Sequence[ChildInput],
        consents: Sequence[ConsentInput] = (),
    ) -> FamilyInput:
        own = {name: self.cleaned_data.get(name) or "" for name in FAMILY_FIELDS}
        return FamilyInput(caregivers=caregivers, children=children, consents=consents, **own)


class CaregiverForm(forms.ModelForm):
    class Meta:
        model = Caregiver
        fields = [
            "first_name",
            "last_name",
            "relationship",
            "is_primary",
            "phone",
            "phone_alt",
            "email",
            "preferred_language",
            "interpreter_needed",
            "preferred_contact_method",
            "preferred_contact_time",
            "gender",
            "gender_self_described",
            "race_ethnicity",
            "identity_notes",
        ]
        widgets = {
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
            "phone_alt": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["gender"].help_text = _("Optional.")

    def has_changed(self) -> bool:
        # A blank extra row with only defaults (language, contact method) is an empty row.
        return bool(self.instance.pk) or any(
            (self.data.get(self.add_prefix(name)) or "").strip()
            for name in ("first_name", "last_name", "phone", "email")
        )

    def to_input(self) -> CaregiverInput:
        data = self.cleaned_data
        return CaregiverInput(
            **{name: data.get(name) or _EMPTY.get(name, "") for name in self.Meta.fields}
        )


class ChildForm(forms.ModelForm):
    class Meta:
        model = Child
        fields = [
            "first_name",
            "last_name",
            "date_of_birth",
            "conditions",
            "experiences",
            "care_settings",
            "is_deceased",
        ]
        widgets = {
            "date_of_birth": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "conditions": forms.SelectMultiple(attrs={"size": 8}),
            "experiences": forms.SelectMultiple(attrs={"size": 8}),
        }

    def __init__(
        self, *args: Any, program: Program | None = None, language: str = "en", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        conditions = (
            Condition.objects.for_program(program).filter(is_active=True).select_related("category")
        )
        experiences = Experience.objects.for_program(program).filter(is_active=True)
        for name, queryset in (("conditions", conditions), ("experiences", experiences)):
            field = cast(forms.ModelChoiceField, self.fields[name])
            field.queryset = queryset
            field.label_from_instance = lambda item: item.label_for(language)  # type: ignore[method-assign,assignment]  # Django's documented idiom
        hint = _("Hold Ctrl (Cmd on a Mac) to choose several.")
        self.fields["conditions"].help_text = hint
        self.fields["experiences"].help_text = _(
            "Experiences that matter when choosing a mentor. %(hint)s"
        ) % {"hint": hint}
        self.fields["date_of_birth"].widget.attrs["max"] = timezone.localdate().isoformat()

    def has_changed(self) -> bool:
        return bool(self.instance.pk) or any(
            (self.data.get(self.add_prefix(name)) or "").strip()
            for name in ("first_name", "last_name", "date_of_birth")
        )

    def to_input(self) -> ChildInput:
        data = self.cleaned_data
        return ChildInput(
            first_name=data.get("first_name") or "",
            last_name=data.get("last_name") or "",
            date_of_birth=data.get("date_of_birth"),
            care_settings=data.get("care_settings") or "",
            is_deceased=bool(data.get("is_deceased")),
            conditions=list(data.get("conditions") or []),
            experiences=list(data.get("experiences") or []),
        )


class CaregiverEditForm(CaregiverForm):
    remove = forms.BooleanField(
        label=_("No longer part of this family (kept in the record)"), required=False
    )


class ChildEditForm(ChildForm):
    remove = forms.BooleanField(
        label=_("Entered by mistake: hide from this family (kept in the record)"), required=False
    )


def formset_for(form: Any, extra: int) -> Any:
    """A model formset of `form` (a ModelForm class with its Meta)."""
    return forms.modelformset_factory(
        form.Meta.model, form=form, fields=form.Meta.fields, extra=extra, can_delete=False
    )


class FirstConsentForm(forms.Form):
    """The consents a family gave when the program first recorded them."""

    scopes = forms.MultipleChoiceField(
        label=_("The caregiver agreed to"),
        choices=Consent.Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "P2P practice: no contact and no match without the parent's expressed permission."
        ),
    )
    method = forms.ChoiceField(label=_("How"), choices=Consent.Method.choices, initial="verbal")

    def to_inputs(self) -> list[ConsentInput]:
        """One consent per scope ticked, given by the first caregiver."""
        method = self.cleaned_data["method"]
        return [
            ConsentInput(scope=scope, method=method, given_by=0)
            for scope in self.cleaned_data["scopes"]
        ]


class DuplicateConfirmForm(forms.Form):
    not_a_duplicate = forms.BooleanField(
        label=_("I checked: this is a different family. Save it anyway."), required=False
    )
    form_token = forms.CharField(widget=forms.HiddenInput, required=False)


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    snapshot = forms.CharField(widget=forms.HiddenInput)

    def original(self) -> dict[str, Any] | None:
        try:
            return signing.loads(self.cleaned_data["snapshot"], salt=SNAPSHOT_SALT)
        except signing.BadSignature:
            return None


def sign_snapshot(data: dict[str, Any]) -> str:
    return signing.dumps(data, salt=SNAPSHOT_SALT, compress=True)


class ConsentForm(forms.ModelForm):
    class Meta:
        model = Consent
        fields = ["scope", "decision", "method", "given_by", "effective_at", "note"]
        widgets = {
            "effective_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            )
        }

    def __init__(self, *args: Any, family: Family, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["given_by"]).queryset = family.caregivers.filter(
            is_active=True
        )
        self.fields["given_by"].required = True
        self.fields["effective_at"].required = False
        self.fields["effective_at"].initial = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
        self.fields["effective_at"].help_text = _("When the caregiver said so.")

    def clean_effective_at(self) -> Any:
        value = self.cleaned_data["effective_at"]
        now = timezone.now()
        if value is None or abs((now - value).total_seconds()) < 120:
            # "Now" (the form's default, to the minute): the exact moment, so this entry
            # comes after anything recorded earlier in the same minute.
            return now
        if value > now:
            raise forms.ValidationError(_("A consent decision cannot be dated in the future."))
        return value


class StatusForm(forms.Form):
    ACTIONS = [
        ("close", _("Close: the family no longer receives support")),
        ("reopen", _("Reopen")),
        ("entered_in_error", _("Entered in error: this record should not exist")),
    ]
    action = forms.ChoiceField(label=_("What happens"), choices=ACTIONS, widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Reason"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data or {}
        if (
            data.get("action") in ("close", "entered_in_error")
            and not (data.get("reason") or "").strip()
        ):
            self.add_error("reason", _("Say why, so the next person understands."))
        return data


class MergeForm(forms.Form):
    other = forms.IntegerField(
        label=_("Number of the other record"),
        min_value=1,
        help_text=_(
            "Its caregivers, children and consents move to this family; it is kept as a merged record."
        ),
    )
    confirm = forms.BooleanField(
        label=_("I checked that both records are the same family."), required=False
    )


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Name, phone or e-mail"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Open and closed")), *Family.Status.choices],
    )
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=lambda: [("", _("Any")), *language_choices()],
    )
    condition = forms.ModelChoiceField(
        label=_("Child's condition"),
        required=False,
        queryset=Condition.objects.none(),
        empty_label=_("Any"),
    )

    def __init__(self, *args: Any, program: Program, language: str = "en", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["condition"]
        field.queryset = Condition.objects.for_program(program).filter(is_active=True)  # type: ignore[attr-defined]
        field.label_from_instance = lambda c: c.label_for(language)  # type: ignore[attr-defined]


class ConditionForm(forms.ModelForm):
    class Meta:
        model = Condition
        fields = ["code", "label", "label_es", "category"]

    def __init__(self, *args: Any, program: Program, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["category"]).queryset = (
            ConditionCategory.objects.filter(program__isnull=True)
            | ConditionCategory.objects.filter(program=program)
        )
        self.instance.program = program

    def clean_code(self) -> str:
        code = (self.cleaned_data.get("code") or "").strip().upper()
        import re

        if code and not re.fullmatch(r"[A-TV-Z][0-9][0-9AB](\.[0-9A-Z]{1,4})?", code):
            raise forms.ValidationError(
                _("Enter an ICD-10-CM code such as Q90.9, or leave it empty.")
            )
        return code


class ExperienceForm(forms.ModelForm):
    class Meta:
        model = Experience
        fields = ["name", "name_es"]

    def __init__(self, *args: Any, program: Program, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.program = program


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet (CSV or Excel .xlsx)"),
        help_text=_("One family per row, with a header row. At most 20,000 rows."),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not (name.endswith(".csv") or name.endswith(".xlsx")):
            raise forms.ValidationError(_("Choose a .csv or .xlsx file."))
        if upload.size > 10 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        return upload


# --- A service's errors on the forms where the input was typed ----------------------------

FormField = tuple[forms.BaseForm, str | None]
Place = Callable[[FieldPath], FormField | None]


def service_errors(error: ValidationError) -> Iterator[tuple[FieldPath, list[ValidationError]]]:
    """Each part of a service's ValidationError with the FieldPath it is about: a
    FamilyInputError's own paths; a plain error's field names as one-part paths."""
    if isinstance(error, FamilyInputError):
        yield from error.paths.items()
    elif hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            yield (FieldPath() if name == NON_FIELD_ERRORS else FieldPath(name)), errors
    else:
        yield FieldPath(), error.error_list


def apply_service_errors(error: ValidationError, place: Place) -> list[str]:
    """Put each message of a service's ValidationError next to the field where its input was
    typed (`place` answers the form and field of a FieldPath; a field the form lacks means the
    form as a whole). Answers the messages no form takes, for the top of the page."""
    leftover: list[str] = []
    for path, errors in service_errors(error):
        target = place(path)
        if target is None:
            leftover += [message for e in errors for message in e.messages]
            continue
        form, name = target
        form.add_error(name if name in form.fields else None, errors)
    return leftover


# Where a consent's parts are typed on the new family page (FirstConsentForm).
FIRST_CONSENT_FIELDS = {"scope": "scopes", "method": "method"}


def family_page_place(
    *,
    family_form: forms.BaseForm,
    caregiver_forms: Sequence[forms.BaseForm],
    child_forms: Sequence[forms.BaseForm],
    consent_form: forms.BaseForm | None = None,
) -> Place:
    """The family pages: the family's form, one form per caregiver and per child given to the
    service (in the order given), and the first consents' form."""
    rows = {"caregivers": caregiver_forms, "children": child_forms}

    def place(path: FieldPath) -> FormField | None:
        match path.parts:
            case ():
                return family_form, None
            case (str() as name,) if name in family_form.fields:
                return family_form, name
            case (str() as kind, int() as index, *rest) if kind in rows and 0 <= index < len(
                rows[kind]
            ):
                return rows[kind][index], str(rest[0]) if rest else None
            case ("consents", int(), *rest) if consent_form is not None:
                return consent_form, FIRST_CONSENT_FIELDS.get(str(rest[0])) if rest else None
        return None

    return place


def flat_form_place(form: forms.BaseForm, paths: Mapping[FieldPath, str]) -> Place:
    """One form with a field for some parts of a FamilyInput (the referral forms: `paths` says
    which). A one-part path naming one of the form's fields is that field (a service's own
    checks of the form); every other message is about the form as a whole."""

    def place(path: FieldPath) -> FormField:
        if path in paths:
            return form, paths[path]
        if len(path.parts) == 1 and path.parts[0] in form.fields:
            return form, str(path.parts[0])
        return form, None

    return place
