from datetime import date, timedelta
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kindred.families.forms import apply_service_errors, flat_form_place
from kindred.families.models import Condition
from kindred.lib.idempotency import OneSubmissionForm
from kindred.lib.languages import language_choices, spoken_language_choices
from kindred.programs.models import Program
from kindred.referrals.models import (
    ConferenceItem,
    ConsentMethod,
    ContactAttempt,
    Intake,
    Referral,
    ReferralReason,
    ReferralSettings,
    ReferrerRole,
    Urgency,
)
from kindred.referrals.services import REFERRED_FAMILY_PATHS, ReferredFamily
from kindred.referrals.status import REASON_REQUIRED, Reason, Status, Step

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ConditionPicker(forms.CheckboxSelectMultiple):
    """The plain list of checkboxes, each carrying the words that find it (lay words and
    synonyms in English and Spanish): static/referrals/condition-picker.js filters on them."""

    def create_option(self, name: str, value: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from kindred.referrals.condition_words import words_for

        option = super().create_option(name, value, *args, **kwargs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"] = {**option["attrs"], "data-words": words_for(instance)}
        return option


class FamilyFieldsMixin(forms.Form):
    """Who is referred: the fewest fields that let a program act."""

    caregiver_first_name = forms.CharField(
        label=_("Parent or caregiver: first name"), max_length=100
    )
    caregiver_last_name = forms.CharField(
        label=_("Parent or caregiver: last name"), max_length=100, required=False
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        help_text=_("A phone number or an e-mail address (at least one)."),
    )
    email = forms.EmailField(label=_("E-mail"), required=False)
    language = forms.ChoiceField(
        label=_("Preferred language"), choices=language_choices, initial="en"
    )
    child_first_name = forms.CharField(label=_("Child: first name"), max_length=100, required=False)
    child_birth_date = forms.DateField(
        label=_("Child: date of birth"), required=False, widget=DATE_INPUT
    )
    child_age_years = forms.IntegerField(
        label=_("Or the child's age in years"), required=False, min_value=0, max_value=30
    )
    conditions = forms.ModelMultipleChoiceField(
        label=_("Condition(s)"),
        queryset=Condition.objects.none(),
        required=False,
        widget=ConditionPicker,
    )
    other_condition = forms.CharField(
        label=_("Condition, in your words"), max_length=200, required=False
    )

    def setup_conditions(self, program: Program | None) -> None:
        queryset = Condition.objects.filter(is_active=True)
        queryset = (
            queryset.for_program(program)
            if program is not None
            else queryset.filter(program__isnull=True)
        )
        cast(forms.ModelChoiceField, self.fields["conditions"]).queryset = queryset.select_related(
            "category"
        ).order_by("label")
        conditions = cast(forms.ModelChoiceField, self.fields["conditions"])
        conditions.label_from_instance = self._condition_label  # type: ignore[method-assign,assignment]  # Django's documented idiom

    @staticmethod
    def _condition_label(condition: Condition) -> str:
        from django.utils.translation import get_language

        return condition.label_for(get_language() or "en")

    def clean_child_birth_date(self) -> Any:
        value = self.cleaned_data.get("child_birth_date")
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("The child's date of birth cannot be in the future."))
        return value

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        no_phone = not (data.get("phone") or "").strip()
        if no_phone and not (data.get("email") or "").strip() and "email" not in self.errors:
            self.add_error(
                "phone",
                _("Give a phone number or an e-mail address, so the program can reach the family."),
            )
        return data

    def referred_family(self) -> ReferredFamily:
        data = self.cleaned_data
        return ReferredFamily(
            caregiver_first_name=data["caregiver_first_name"],
            caregiver_last_name=data.get("caregiver_last_name", ""),
            phone=data.get("phone", ""),
            email=data.get("email", ""),
            language=data["language"],
            child_first_name=data.get("child_first_name", ""),
            child_birth_date=data.get("child_birth_date"),
            child_age_years=data.get("child_age_years"),
            conditions=list(data.get("conditions") or []),
            other_condition=data.get("other_condition", ""),
        )

    def add_service_errors(self, error: ValidationError) -> None:
        """A refusal of referral_create next to the fields it is about: the family record's
        problems through REFERRED_FAMILY_PATHS, the referral's own by field name."""
        apply_service_errors(error, flat_form_place(self, REFERRED_FAMILY_PATHS))


class ReferralForm(FamilyFieldsMixin):
    """The referrer's one-minute form."""

    field_order = [
        "program",
        "caregiver_first_name",
        "caregiver_last_name",
        "phone",
        "email",
        "language",
        "child_first_name",
        "child_birth_date",
        "child_age_years",
        "conditions",
        "other_condition",
        "reasons",
        "looking_for",
        "urgency",
        "consent_to_contact",
        "consent_obtained_by",
        "consent_method",
        "share_status_with_referrer",
        "notify_referrer",
        "referrer_role",
        "referrer_department",
        "referrer_reference",
    ]

    program = forms.ModelChoiceField(label=_("Refer to"), queryset=Program.objects.none())
    reasons = forms.MultipleChoiceField(
        label=_("Reason for referral"),
        choices=ReferralReason.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    looking_for = forms.CharField(
        label=_("What the family is looking for"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    urgency = forms.ChoiceField(
        label=_("Urgency"), choices=Urgency.choices, initial=Urgency.ROUTINE
    )
    consent_to_contact = forms.BooleanField(
        label=_("The family agrees that the program contacts them"),
        required=False,
        help_text=_("Required: no referral without the parent's permission."),
    )
    consent_obtained_by = forms.CharField(label=_("Consent obtained by"), max_length=200)
    consent_method = forms.ChoiceField(
        label=_("How the family gave consent"),
        choices=[c for c in ConsentMethod.choices if c[0] != ConsentMethod.SELF],
    )
    share_status_with_referrer = forms.BooleanField(
        label=_("The family agrees that I see the status of this referral"), required=False
    )
    notify_referrer = forms.BooleanField(
        label=_("E-mail me when the status changes"), required=False, initial=True
    )
    referrer_role = forms.ChoiceField(
        label=_("Your role"), choices=[("", "—"), *ReferrerRole.choices], required=False
    )
    referrer_department = forms.CharField(
        label=_("Your department or specialty"), max_length=120, required=False
    )
    referrer_reference = forms.CharField(
        label=_("Your own reference (optional)"),
        max_length=60,
        required=False,
        help_text=_("How you file this family, e.g. a record number: shown in “My referrals”."),
    )

    def __init__(self, *args: Any, programs: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["program"]).queryset = programs
        if programs.count() == 1:
            self.fields["program"].initial = programs.first()
        self.setup_conditions(None)

    def clean_consent_to_contact(self) -> bool:
        if not self.cleaned_data.get("consent_to_contact"):
            raise forms.ValidationError(
                _(
                    "The family must agree to be contacted: a program never reaches out without "
                    "the parent's permission."
                )
            )
        return True


class SelfReferralForm(OneSubmissionForm, FamilyFieldsMixin):
    """The public page a family fills in for themselves, in their language."""

    expired_message = _(
        "This page was open for a long time, so your request was not sent yet. Check your "
        "answers and press the button again."
    )

    looking_for = forms.CharField(
        label=_("What would help you most right now?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    consent_to_contact = forms.BooleanField(
        label=_("Yes, the program may call, text or e-mail me about peer support."),
        required=False,
    )
    # Honeypot: people never see or fill it (hidden by CSS, skipped by keyboard and screen
    # readers); automated submitters usually do.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args: Any, program: Program, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.setup_conditions(program)
        self.add_submission_key()
        # A family reading the page in Spanish most likely prefers Spanish.
        page_language = (get_language() or "en").split("-")[0]
        language = cast(forms.ChoiceField, self.fields["language"])
        if page_language in {str(code) for code, _label in language_choices()}:
            language.initial = page_language
        self.fields["caregiver_first_name"].label = _("Your first name")
        self.fields["caregiver_last_name"].label = _("Your last name")
        self.fields["child_first_name"].label = _("Your child's first name")
        self.fields["child_birth_date"].label = _("Your child's date of birth")
        self.fields["child_age_years"].label = _("Or your child's age in years")
        self.fields["other_condition"].label = _("Your child's condition, in your words")
        self.fields["conditions"].label = _("Your child's condition(s)")

    def clean_consent_to_contact(self) -> bool:
        if not self.cleaned_data.get("consent_to_contact"):
            raise forms.ValidationError(
                _("Please tick the box: we can only contact you with your permission.")
            )
        return True

    def is_bot(self) -> bool:
        return bool((self.data.get("website") or "").strip())


class ContactAttemptForm(forms.ModelForm):
    """The action done most on a referral: an attempt, and the next one planned. "Reached the
    family" may accept a new referral in the same step (views.contact_attempt)."""

    accept = forms.BooleanField(
        label=_("Reached: accept the referral now"),
        required=False,
        help_text=_("Only when the outcome is “Reached the family”."),
    )

    class Meta:
        model = ContactAttempt
        fields = ["outcome", "method", "at", "note", "next_attempt_on"]
        widgets = {
            "at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "note": forms.Textarea(attrs={"rows": 2}),
            "next_attempt_on": DATE_INPUT,
        }

    def __init__(self, *args: Any, may_accept: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.DateTimeField, self.fields["at"]).input_formats = [
            "%Y-%m-%dT%H:%M",
            "%Y-%m-%d %H:%M",
        ]
        self.fields["at"].initial = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
        self.fields["method"].initial = ContactAttempt.Method.PHONE  # the usual first try
        self.fields["note"].help_text = _("Private to the program; the referrer never sees it.")
        self.fields["next_attempt_on"].help_text = _(
            "The referral comes back to the top of the queue on that day."
        )
        if not may_accept:
            del self.fields["accept"]

    def clean_at(self) -> Any:
        value = self.cleaned_data["at"]
        if value > timezone.now() + timedelta(minutes=5):
            raise forms.ValidationError(_("A contact attempt cannot be in the future."))
        return value

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("accept") and data.get("outcome") != ContactAttempt.Outcome.REACHED:
            self.add_error(
                "accept", _("A referral is accepted from here only when you reached the family.")
            )
        at, next_on = data.get("at"), data.get("next_attempt_on")
        if at and next_on and next_on < timezone.localdate(at):
            self.add_error("next_attempt_on", _("The next attempt cannot be before this one."))
        return data


class TransitionForm(forms.Form):
    to = forms.ChoiceField(label=_("New status"), choices=Status.choices)
    reason = forms.ChoiceField(
        label=_("Reason"),
        choices=[("", "—"), *Reason.choices],
        required=False,
        help_text=_("Required to decline, put on hold, cancel or close without support."),
    )
    note = forms.CharField(
        label=_("Note (private to the program)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, referral: Referral, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        targets = set(referral.allowed_statuses())
        cast(forms.ChoiceField, self.fields["to"]).choices = [
            c for c in Status.choices if c[0] in targets
        ]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("to") in REASON_REQUIRED and not data.get("reason"):
            self.add_error("reason", _("Choose a reason: it is required for this status."))
        return data


class StepForm(forms.Form):
    step = forms.ChoiceField(label=_("Step"), choices=Step.choices)
    service: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Service from the directory"),
        queryset=None,  # set per form: the directory's listed services
        required=False,
        help_text=_("Only for “Referred to another resource”."),
    )
    referred_out_to = forms.CharField(
        label=_("Or the resource's name"),
        max_length=200,
        required=False,
        help_text=_("When the service is not in the directory."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Through the referral's relation: referrals and the directory sit side by side and do
        # not import each other.
        services = Referral._meta.get_field("referred_out_service").related_model
        cast(forms.ModelChoiceField, self.fields["service"]).queryset = (
            cast(Any, services)._default_manager.listed().order_by("name")
        )

    note = forms.CharField(
        label=_("Note (private to the program)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if (
            data.get("step") == Step.REFERRED_OUT
            and not (data.get("referred_out_to") or "").strip()
        ):
            self.add_error("referred_out_to", _("Name the resource the family was referred to."))
        return data


class IntakeForm(forms.ModelForm):
    class Meta:
        model = Intake
        fields = [
            "why_support",
            "support_wanted",
            "qualities_wanted",
            "mentor_language",
            "mentor_gender",
            "preferences",
        ]
        widgets = {
            "why_support": forms.Textarea(attrs={"rows": 3}),
            "qualities_wanted": forms.Textarea(attrs={"rows": 2}),
            "preferences": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mentor_language"] = forms.ChoiceField(
            label=_("mentor's language"),
            choices=[("", _("No preference")), *spoken_language_choices()],
            required=False,
        )
        criteria = self.instance.criteria if self.instance and self.instance.pk else {}
        weights = [("", _("Does not matter")), *Intake.Weight.choices]
        for value, label in Intake.Criterion.choices:
            self.fields[f"criterion_{value}"] = forms.ChoiceField(
                label=label, choices=weights, required=False, initial=criteria.get(value, "")
            )

    def criteria_fields(self) -> list[Any]:
        return [self[f"criterion_{value}"] for value in Intake.Criterion.values]

    def main_fields(self) -> list[Any]:
        return [self[name] for name in self.Meta.fields]

    def save(self, commit: bool = True) -> Intake:
        intake = super().save(commit=False)
        intake.criteria = {
            value: self.cleaned_data[f"criterion_{value}"]
            for value in Intake.Criterion.values
            if self.cleaned_data.get(f"criterion_{value}")
        }
        if commit:
            intake.save()
        return intake


class ReferralSettingsForm(forms.ModelForm):
    class Meta:
        model = ReferralSettings
        fields = [
            "business_hours_only",
            "opens_at",
            "closes_at",
            "unable_to_reach_after",
            "first_contact",
            "self_referral_open",
        ]
        widgets = {
            "opens_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "closes_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("opens_at") and data.get("closes_at") and data["closes_at"] <= data["opens_at"]:
            self.add_error("closes_at", _("The closing time must be after the opening time."))
        return data


class DashboardFilterForm(forms.Form):
    # Dates far outside any program's life (9999-12-31) are refused rather than overflowing
    # the date arithmetic of the range.
    FIRST, LAST = date(1900, 1, 1), date(2100, 12, 31)

    start = forms.DateField(label=_("From"), required=False, widget=DATE_INPUT)
    end = forms.DateField(label=_("To"), required=False, widget=DATE_INPUT)

    def _in_bounds(self, name: str) -> date | None:
        value = self.cleaned_data.get(name)
        if value is not None and not self.FIRST <= value <= self.LAST:
            raise forms.ValidationError(_("Enter a date between 1900 and 2100."))
        return value

    def clean_start(self) -> date | None:
        return self._in_bounds("start")

    def clean_end(self) -> date | None:
        return self._in_bounds("end")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The end date must be after the start date."))
        return data


# --- The case conference (kindred.referrals.conference) -------------------------------------


def next_meeting(today: date | None = None) -> date:
    """The coming Monday (today if it is Monday): the weekly conference's default date."""
    today = today or timezone.localdate()
    return today + timedelta(days=(7 - today.weekday()) % 7)


class AgendaForm(forms.ModelForm):
    class Meta:
        model = ConferenceItem
        fields = ["meeting_on", "topic"]
        widgets = {"meeting_on": DATE_INPUT, "topic": forms.Textarea(attrs={"rows": 2})}

    def clean_meeting_on(self) -> date:
        value = self.cleaned_data["meeting_on"]
        if value < timezone.localdate():
            raise forms.ValidationError(_("Choose today or a later date."))
        return value


class OwnerForm(forms.Form):
    """Who works a referral: one of the program's staff, or nobody."""

    owner = forms.ModelChoiceField(
        label=_("Owner"), queryset=Referral.objects.none(), required=False, empty_label=_("Nobody")
    )

    def __init__(self, *args: Any, staff: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["owner"])
        field.queryset = staff
        field.label_from_instance = lambda user: user.full_name  # type: ignore[method-assign,assignment]


class AdditionForm(forms.Form):
    text = forms.CharField(
        label=_("Add information"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("E.g. a new phone number, the best time to call. The program sees it."),
    )

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError(_("Write what you want to add."))
        return text
