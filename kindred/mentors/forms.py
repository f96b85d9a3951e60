from datetime import date
from typing import Any, cast

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kindred.families.models import Condition, Experience
from kindred.lib.idempotency import OneSubmissionForm
from kindred.lib.languages import spoken_language_choices
from kindred.mentors.models import (
    CARE_SETTINGS,
    Escalation,
    Mentor,
    QualificationType,
    ScreeningItem,
    ScreeningRecord,
    SupervisionSession,
    TrainingCohort,
    TrainingCourse,
    TrainingModule,
    TrainingSession,
    WellbeingCheckIn,
)
from kindred.mentors.models.mentor import DAY_PARTS, MAX_CHILD_AGE, WEEKDAYS
from kindred.mentors.vocab import FAMILY_SITUATIONS, TREATMENTS

# Many-to-many fields of the mentor's details, saved after the mentor row.
MANY_FIELDS = {"child_conditions", "child_experiences"}

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MentorDetailsForm(forms.ModelForm):
    """What a parent tells the program about themselves (application and later edits)."""

    languages = forms.MultipleChoiceField(
        label=_("Languages you speak"),
        choices=spoken_language_choices,
        widget=forms.CheckboxSelectMultiple,
    )
    care_settings = forms.MultipleChoiceField(
        label=_("Care settings you know from your child's care"),
        choices=CARE_SETTINGS,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    child_conditions = forms.ModelMultipleChoiceField(
        label=_("Your child's conditions"),
        queryset=Condition.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick the ones that apply. You can tell us more in the next question."),
    )
    child_experiences = forms.ModelMultipleChoiceField(
        label=_("Experiences your family has been through"),
        queryset=Experience.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    treatment_codes = forms.MultipleChoiceField(
        label=_("Treatments and technology your child has had"),
        choices=TREATMENTS,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=Mentor._meta.get_field("treatment_codes").help_text,
    )
    family_situations = forms.MultipleChoiceField(
        label=_("Your family's situation"),
        choices=FAMILY_SITUATIONS,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=Mentor._meta.get_field("family_situations").help_text,
    )
    excluded_situations = forms.MultipleChoiceField(
        label=_("Families you would rather not support"),
        choices=FAMILY_SITUATIONS,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=Mentor._meta.get_field("excluded_situations").help_text,
    )
    off_active_treatment = forms.NullBooleanField(
        label=_("Is your child off active treatment, or stable?"),
        required=False,
        widget=forms.NullBooleanSelect(),
        help_text=Mentor._meta.get_field("off_active_treatment").help_text,
    )
    availability_days = forms.MultipleChoiceField(
        label=_("Days you are usually available"),
        choices=WEEKDAYS,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    availability_times = forms.MultipleChoiceField(
        label=_("Times you are usually available"),
        choices=DAY_PARTS,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Mentor
        fields = [
            "full_name",
            "email",
            "phone",
            "preferred_language",
            "languages",
            "postal_code",
            "travel",
            "child_conditions",
            "child_experiences",
            "treatment_codes",
            "treatments",
            "care_settings",
            "experience_year",
            "child_age_from",
            "child_age_to",
            "off_active_treatment",
            "gender",
            "culture",
            "family_situations",
            "excluded_situations",
            "availability_days",
            "availability_times",
            "availability_notes",
            "motivation",
            "references",
        ]
        widgets = {
            "treatments": forms.Textarea(attrs={"rows": 2}),
            "motivation": forms.Textarea(attrs={"rows": 4}),
            "references": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, program: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.program = program or getattr(self.instance, "program", None)
        self.fields["phone"].widget.attrs.update({"autocomplete": "tel", "inputmode": "tel"})
        self.fields["email"].widget.attrs.update({"autocomplete": "email"})
        self.fields["full_name"].widget.attrs.update({"autocomplete": "name"})
        self.fields["postal_code"].widget.attrs.update(
            {"autocomplete": "postal-code", "inputmode": "numeric"}
        )
        self.fields["motivation"].label = _("Why do you want to support other parents?")
        self.fields["off_active_treatment"].widget.choices = [
            ("unknown", _("I'd rather not say")),
            ("true", _("Yes")),
            ("false", _("No")),
        ]
        language = get_language() or "en"
        conditions = self.fields["child_conditions"]
        conditions.queryset = (  # type: ignore[attr-defined]
            Condition.objects.for_program(self.program)
            .filter(is_active=True)
            .order_by("category__name", "label")
        )
        conditions.label_from_instance = lambda c: c.label_for(language)  # type: ignore[attr-defined]
        experiences = self.fields["child_experiences"]
        experiences.queryset = Experience.objects.for_program(self.program).filter(is_active=True)  # type: ignore[attr-defined]
        experiences.label_from_instance = lambda e: e.label_for(language)  # type: ignore[attr-defined]

    def clean_experience_year(self) -> int | None:
        year = self.cleaned_data.get("experience_year")
        if year is not None and not 1950 <= year <= timezone.localdate().year:
            raise forms.ValidationError(
                _("Enter a year between 1950 and this year, or leave it empty.")
            )
        return year

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        low, high = data.get("child_age_from"), data.get("child_age_to")
        for name, value in (("child_age_from", low), ("child_age_to", high)):
            if value is not None and not 0 <= value <= MAX_CHILD_AGE:
                self.add_error(
                    name, _("Enter an age from 0 to %(max)s years.") % {"max": MAX_CHILD_AGE}
                )
        if low is not None and high is not None and low > high:
            self.add_error("child_age_to", _("The second age cannot be younger than the first."))
        return data

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        if sum(ch.isdigit() for ch in phone) < 7:
            raise forms.ValidationError(
                _("Please enter a phone number we can call, with the area code.")
            )
        return phone

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if self.program is not None:
            others = Mentor.objects.filter(program=self.program, email__iexact=email).exclude(
                status__in=[Mentor.Status.DECLINED, Mentor.Status.ALUMNI]
            )
            if self.instance.pk:
                others = others.exclude(pk=self.instance.pk)
            if others.exists():
                raise forms.ValidationError(
                    _(
                        "We already have an application with this e-mail address. The program will contact you."
                    )
                )
        return email


class ApplicationForm(OneSubmissionForm, MentorDetailsForm):
    expired_message = _(
        "This page was open for a long time, so your application was not sent yet. Check your "
        "answers and press the button again."
    )
    # A field people never see (hidden by CSS and from assistive technology): bots fill it in.
    website = forms.CharField(label=_("Leave this field empty"), required=False)
    agree = forms.BooleanField(
        label=_("I agree that the program may keep this information and contact my references."),
        error_messages={
            "required": _("Please tick this box so the program may review your application.")
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["website"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})
        self.add_submission_key()

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("website"))


class MentorEditForm(MentorDetailsForm):
    class Meta(MentorDetailsForm.Meta):
        fields = [*MentorDetailsForm.Meta.fields, "max_families"]

    def clean_max_families(self) -> int:
        value = self.cleaned_data["max_families"]
        if value is not None and value < self.instance.active_family_count:
            raise forms.ValidationError(
                _("This mentor already holds %(n)s families: the maximum cannot be lower."),
                params={"n": self.instance.active_family_count},
            )
        return value


class StatusForm(forms.Form):
    to = forms.ChoiceField(label=_("New status"), choices=Mentor.Status.choices)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required to decline or end service."),
    )
    paused_until = forms.DateField(
        label=_("Return date (when pausing)"), required=False, widget=DATE
    )

    def __init__(self, *args: Any, mentor: Mentor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = mentor.allowed_statuses()
        cast(forms.ChoiceField, self.fields["to"]).choices = [
            (v, label) for v, label in Mentor.Status.choices if v in allowed
        ]


class ScreeningRecordForm(forms.ModelForm):
    class Meta:
        model = ScreeningRecord
        fields = ["item", "result", "done_on", "notes"]
        widgets = {"done_on": DATE}

    def __init__(self, *args: Any, program: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["item"]).queryset = ScreeningItem.objects.filter(
            program=program, is_active=True
        )
        self.fields["item"].label = _("Screening item")
        self.fields["done_on"].initial = timezone.localdate

    def clean_done_on(self) -> date:
        done_on = self.cleaned_data["done_on"]
        if done_on > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return done_on


class QualificationForm(forms.Form):
    type = forms.ModelChoiceField(
        label=_("Qualification"), queryset=QualificationType.objects.none()
    )
    obtained_on = forms.DateField(label=_("Obtained on"), widget=DATE)
    expires_on = forms.DateField(
        label=_("Expires on"),
        required=False,
        widget=DATE,
        help_text=_("Leave empty to use the qualification's usual validity."),
    )
    notes = forms.CharField(label=_("Notes"), required=False, max_length=300)

    def __init__(self, *args: Any, program: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(
            forms.ModelChoiceField, self.fields["type"]
        ).queryset = QualificationType.objects.filter(program=program, is_active=True)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        obtained, expires = data.get("obtained_on"), data.get("expires_on")
        if obtained and obtained > timezone.localdate():
            self.add_error("obtained_on", _("The date cannot be in the future."))
        if obtained and expires and expires < obtained:
            self.add_error(
                "expires_on", _("The expiry date must be on or after the date obtained.")
            )
        return data


class ScreeningItemForm(forms.ModelForm):
    class Meta:
        model = ScreeningItem
        fields = ["name", "name_es", "required", "grants", "position", "is_active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        grants = cast(forms.ModelChoiceField, self.fields["grants"])
        # Only the program's own qualifications (another program's id is refused as invalid).
        grants.queryset = QualificationType.objects.filter(program_id=self.instance.program_id)
        grants.empty_label = _("None")
        grants.help_text = _(
            "A pass of this item records the qualification too (a background check), so it is "
            "entered once."
        )


class QualificationTypeForm(forms.ModelForm):
    class Meta:
        model = QualificationType
        fields = [
            "name",
            "name_es",
            "validity_months",
            "required_for_matching",
            "remind_days_before",
            "is_active",
        ]


class CourseForm(forms.ModelForm):
    class Meta:
        model = TrainingCourse
        fields = ["title", "description", "required_for_activation"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class ModuleForm(forms.ModelForm):
    materials_url = forms.URLField(label=_("materials link"), required=False, assume_scheme="https")

    class Meta:
        model = TrainingModule
        fields = ["title", "hours", "delivery", "materials_url", "position"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["hours"].widget.attrs.update({"min": "0.5", "max": "40", "step": "0.5"})

    def clean_hours(self) -> Any:
        hours = self.cleaned_data["hours"]
        if hours <= 0 or hours > 40:
            raise forms.ValidationError(_("Hours must be between 0.5 and 40."))
        return hours


class CohortForm(forms.ModelForm):
    class Meta:
        model = TrainingCohort
        fields = ["name", "course", "starts_on", "mentors"]
        widgets = {"starts_on": DATE, "mentors": forms.CheckboxSelectMultiple}

    def __init__(self, *args: Any, program: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(
            forms.ModelChoiceField, self.fields["course"]
        ).queryset = TrainingCourse.objects.filter(program=program, is_active=True)
        cast(forms.ModelChoiceField, self.fields["mentors"]).queryset = Mentor.objects.filter(
            program=program,
            status__in=[
                Mentor.Status.SCREENING,
                Mentor.Status.TRAINING,
                Mentor.Status.ACTIVE,
                Mentor.Status.PAUSED,
            ],
        )
        self.fields["mentors"].required = False


class CohortMembersForm(forms.Form):
    mentors = forms.ModelMultipleChoiceField(
        label=_("Add people to this cohort"),
        queryset=Mentor.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, cohort: TrainingCohort, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["mentors"]).queryset = Mentor.objects.filter(
            program_id=cohort.program_id,
            status__in=[
                Mentor.Status.SCREENING,
                Mentor.Status.TRAINING,
                Mentor.Status.ACTIVE,
                Mentor.Status.PAUSED,
            ],
        ).exclude(training_cohorts=cohort)


class TrainingSessionForm(forms.ModelForm):
    class Meta:
        model = TrainingSession
        fields = ["module", "held_on", "location"]
        widgets = {"held_on": DATE}

    def __init__(self, *args: Any, cohort: TrainingCohort, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(
            forms.ModelChoiceField, self.fields["module"]
        ).queryset = TrainingModule.objects.filter(course=cohort.course)


class SupervisionSessionForm(forms.ModelForm):
    class Meta:
        model = SupervisionSession
        fields = [
            "kind",
            "held_on",
            "duration_minutes",
            "mentors",
            "topics",
            "concerns",
            "follow_ups",
        ]
        widgets = {
            "held_on": DATE,
            "mentors": forms.CheckboxSelectMultiple,
            "topics": forms.Textarea(attrs={"rows": 2}),
            "concerns": forms.Textarea(attrs={"rows": 2}),
            "follow_ups": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, program: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["mentors"]).queryset = Mentor.objects.filter(
            program=program,
            status__in=[Mentor.Status.TRAINING, Mentor.Status.ACTIVE, Mentor.Status.PAUSED],
        )
        minutes = self.fields["duration_minutes"]
        minutes.validators += [MinValueValidator(5), MaxValueValidator(600)]
        minutes.widget.attrs.update({"min": "5", "max": "600"})
        self.fields["held_on"].initial = timezone.localdate

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        mentors = data.get("mentors")
        if (
            data.get("kind") == SupervisionSession.Kind.INDIVIDUAL
            and mentors is not None
            and len(mentors) != 1
        ):
            self.add_error("mentors", _("An individual session is with exactly one person."))
        if data.get("held_on") and data["held_on"] > timezone.localdate():
            self.add_error("held_on", _("The date cannot be in the future."))
        return data


class CheckInForm(forms.ModelForm):
    class Meta:
        model = WellbeingCheckIn
        fields = ["score", "workload", "wants_to_talk", "notes"]
        widgets = {
            "score": forms.RadioSelect,
            "workload": forms.RadioSelect,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {
            "score": {"required": _("Please answer how you are doing.")},
            "workload": {"required": _("Please answer how your workload feels.")},
        }


class EscalationForm(forms.ModelForm):
    """A supervisor or coordinator may raise a concern about a mentor directly."""

    class Meta:
        model = Escalation
        fields = ["mentor", "severity", "concern"]
        widgets = {"concern": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, program: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["mentor"]).queryset = Mentor.objects.filter(
            program=program
        ).exclude(status__in=[Mentor.Status.APPLICANT, Mentor.Status.DECLINED])
        self.fields["mentor"].label = program.mentor_title_for(get_language() or "en")


class ResolveForm(forms.Form):
    notes = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}))


class HoursYearForm(forms.Form):
    """The year of the volunteer hours page (a GET parameter: never a 500 for a bad one)."""

    FIRST_YEAR, LAST_YEAR = 1900, 2100

    year = forms.IntegerField(
        label=_("Year"),
        error_messages={"invalid": _("Choose a year between 1900 and 2100.")},
    )

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        if not self.FIRST_YEAR <= year <= self.LAST_YEAR:
            raise forms.ValidationError(_("Choose a year between 1900 and 2100."))
        return year
