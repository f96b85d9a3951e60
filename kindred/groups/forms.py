"""Forms of support groups. ModelForms list their fields; what spans rows (facilitators, the
rule from a simple pattern) is cleaned here and applied by the views through services."""

from datetime import datetime, timedelta
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kindred.families.models import Condition
from kindred.groups.models import POPULATIONS, GroupSession, SupportGroup
from kindred.groups.schedule import clean_rule, zone
from kindred.lib.idempotency import OneSubmissionForm
from kindred.lib.languages import language_choices, spoken_language_choices

WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
MAX_SPEAKERS = 4


class Pattern:
    WEEKLY = "weekly"
    BIWEEKLY = "biweekly"
    MONTHLY = "monthly"
    CUSTOM = "custom"
    CHOICES = [
        (WEEKLY, _("Every week, on the first meeting's weekday")),
        (BIWEEKLY, _("Every other week")),
        (MONTHLY, _("Every month, on the same weekday (e.g. the second Tuesday)")),
        (CUSTOM, _("Another rule (RFC 5545)")),
    ]


def pattern_rule(pattern: str, first: Any, until: Any) -> str:
    """The RFC 5545 rule of a simple pattern, from the first meeting's date."""
    day = WEEKDAY_CODES[first.weekday()]
    if pattern == Pattern.MONTHLY:
        nth = (first.day - 1) // 7 + 1
        rule = f"FREQ=MONTHLY;BYDAY={'-1' if nth == 5 else nth}{day}"
    elif pattern == Pattern.BIWEEKLY:
        rule = f"FREQ=WEEKLY;INTERVAL=2;BYDAY={day}"
    else:
        rule = f"FREQ=WEEKLY;BYDAY={day}"
    if until:
        rule += f";UNTIL={until:%Y%m%d}"
    return rule


class GroupForm(forms.ModelForm):
    populations = forms.MultipleChoiceField(
        label=_("Populations"),
        choices=POPULATIONS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    interpreter_languages = forms.MultipleChoiceField(
        label=_("Interpreters available"), choices=spoken_language_choices, required=False
    )
    pattern = forms.ChoiceField(
        label=_("Repeats"), choices=Pattern.CHOICES, initial=Pattern.MONTHLY
    )
    until = forms.DateField(
        label=_("Last meeting (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    leader = forms.ChoiceField(label=_("Leader"), required=False)
    co_leaders = forms.MultipleChoiceField(
        label=_("Co-leaders"), required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = SupportGroup
        fields = [
            "name", "name_es", "description", "description_es", "conditions", "populations",
            "language", "audience", "registration", "capacity", "first_date", "start_time",
            "duration_minutes", "rrule", "remind_hours_before", "format", "place", "video_link",
            "offers_childcare", "offers_food", "parking", "interpreter_languages",
            "practical_note",
        ]  # fmt: skip
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "description_es": forms.Textarea(attrs={"rows": 3}),
            "first_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "start_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "language": forms.Select(choices=cast(Any, language_choices)),
        }

    def __init__(
        self, *args: Any, program: Any, people: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.program = program
        cast(
            forms.ModelChoiceField, self.fields["conditions"]
        ).queryset = Condition.objects.for_program(program).filter(is_active=True)
        self.fields["conditions"].required = False
        self.fields["language"].widget.choices = language_choices()
        self.fields["rrule"].required = False
        self.fields["rrule"].label = _("Rule, if another")
        cast(forms.ChoiceField, self.fields["leader"]).choices = [("", _("Choose later")), *people]
        cast(forms.ChoiceField, self.fields["co_leaders"]).choices = people
        self.fields["capacity"].widget.attrs.update(min=0, max=500)
        self.fields["duration_minutes"].widget.attrs.update(min=5, max=720)
        if self.instance.pk and not self.is_bound:
            self.initial["pattern"] = Pattern.CUSTOM
            leaders = list(self.instance.facilitators.all())
            self.initial["leader"] = next((_key(f) for f in leaders if f.role == "leader"), "")
            self.initial["co_leaders"] = [_key(f) for f in leaders if f.role == "co_leader"]

    def clean_capacity(self) -> int:
        value = self.cleaned_data["capacity"]
        if value > 500:
            raise ValidationError(_("A group of more than 500 places? Enter 500 or fewer."))
        return value

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        first = data.get("first_date")
        pattern = data.get("pattern")
        if first and pattern:
            text = (
                data.get("rrule")
                if pattern == Pattern.CUSTOM
                else pattern_rule(pattern, first, data.get("until"))
            )
            try:
                data["rrule"] = clean_rule(text or "", first_date=first)
                self.instance.rrule = data["rrule"]
            except ValidationError as exc:
                self.add_error("rrule" if pattern == Pattern.CUSTOM else "pattern", exc)
        leader = data.get("leader")
        if leader and leader in (data.get("co_leaders") or []):
            self.add_error("co_leaders", _("The leader cannot also be a co-leader."))
        if data.get("format") in ("video", "hybrid") and not data.get("video_link"):
            self.add_error("video_link", _("A group that meets by video needs its link."))
        if data.get("format") in ("in_person", "hybrid") and not (data.get("place") or "").strip():
            self.add_error("place", _("Say where the group meets."))
        return data


def _key(facilitator: Any) -> str:
    return f"m{facilitator.mentor_id}" if facilitator.mentor_id else f"u{facilitator.user_id}"


class StatusForm(forms.Form):
    to = forms.ChoiceField(label=_("New status"), choices=SupportGroup.Status.choices)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)

    def __init__(self, *args: Any, group: SupportGroup, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Every status is accepted (a refused move is a TransitionError next to the field);
        # the ones possible now come first.
        labels = dict(SupportGroup.Status.choices)
        allowed = group.allowed_statuses()
        cast(forms.ChoiceField, self.fields["to"]).choices = [(s, labels[s]) for s in allowed] + [
            (s, labels[s]) for s in labels if s not in allowed and s != group.status
        ]


class RegisterForm(forms.Form):
    family = forms.ChoiceField(label=_("Family"))

    def __init__(self, *args: Any, families: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["family"]).choices = [("", "—")] + [
            (str(pk), name) for pk, name in families
        ]


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Why"), max_length=500)


class SessionForm(forms.ModelForm):
    """A session's own details; a new date or time makes it a moved session."""

    date = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    time = forms.TimeField(
        label=_("Starts at"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    duration = forms.IntegerField(label=_("Length in minutes"), min_value=5, max_value=720)
    interpreter_languages = forms.MultipleChoiceField(
        label=_("Interpreters available"), choices=spoken_language_choices, required=False
    )

    class Meta:
        model = GroupSession
        fields = [
            "topic", "topic_es", "materials", "format", "place", "video_link",
            "offers_childcare", "offers_food", "parking", "interpreter_languages",
            "practical_note",
        ]  # fmt: skip
        widgets = {"materials": forms.Textarea(attrs={"rows": 2})}
        labels = {"topic": _("Theme"), "topic_es": _("Theme in Spanish")}
        help_texts = {
            "topic": _(
                "What this session is about, e.g. Sleep, IEP meetings. Shown on the "
                "schedule and the public page."
            ),
        }

    def __init__(self, *args: Any, occurrence: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.occurrence = occurrence
        tz = zone(occurrence.group)
        local = occurrence.starts_at.astimezone(tz)
        self.initial.setdefault("date", local.date())
        self.initial.setdefault("time", local.time().replace(second=0, microsecond=0))
        self.initial.setdefault(
            "duration", int((occurrence.ends_at - occurrence.starts_at).total_seconds() // 60)
        )
        speakers = list((occurrence.session.speakers if occurrence.session else []) or [])
        for index in range(MAX_SPEAKERS):
            current = speakers[index] if index < len(speakers) else {}
            self.fields[f"speaker_{index}_name"] = forms.CharField(
                label=_("Speaker %(n)s: name") % {"n": index + 1},
                required=False,
                max_length=120,
                initial=current.get("name", ""),
            )
            self.fields[f"speaker_{index}_role"] = forms.CharField(
                label=_("Speaker %(n)s: role (physician, nurse, parent...)") % {"n": index + 1},
                required=False,
                max_length=120,
                initial=current.get("role", ""),
            )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        speakers = []
        for index in range(MAX_SPEAKERS):
            name = (data.get(f"speaker_{index}_name") or "").strip()
            role = (data.get(f"speaker_{index}_role") or "").strip()
            if role and not name:
                self.add_error(f"speaker_{index}_name", _("Give the speaker's name."))
            if name:
                speakers.append({"name": name, "role": role})
        data["speakers"] = speakers
        if data.get("date") and data.get("time") and data.get("duration"):
            tz = zone(self.occurrence.group)
            try:
                start = datetime.combine(data["date"], data["time"]).replace(tzinfo=tz)
            except (OverflowError, ValueError):
                self.add_error("date", _("Enter a real date."))
            else:
                data["starts_at"] = start
                data["ends_at"] = start + timedelta(minutes=data["duration"])
        if data.get("format") in ("video", "hybrid") and not data.get("video_link"):
            self.add_error("video_link", _("A session by video needs its link."))
        return data

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        names = [*self.Meta.fields, "speakers", "starts_at", "ends_at"]
        return {name: data[name] for name in names}


class PublicRegistrationForm(OneSubmissionForm, forms.Form):
    """The family registers themselves on the public group page, in their language."""

    expired_message = _(
        "This page was open for a long time, so you are not registered yet. Check your "
        "answers and press the button again."
    )

    first_name = forms.CharField(label=_("Your first name"), max_length=100)
    last_name = forms.CharField(label=_("Your last name"), max_length=100, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30)
    email = forms.EmailField(
        label=_("E-mail"), required=False, help_text=_("For reminders before each session.")
    )
    preferred_language = forms.ChoiceField(
        label=_("Language we should use"), choices=language_choices
    )
    consent = forms.BooleanField(
        label=_(
            "Yes, I want to take part in this group, and the program may call, text or e-mail me "
            "about it."
        ),
        required=False,
    )
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_submission_key()
        cast(forms.ChoiceField, self.fields["preferred_language"]).choices = language_choices()

    def clean_phone(self) -> str:
        value = self.cleaned_data["phone"].strip()
        if sum(ch.isdigit() for ch in value) < 7:
            raise ValidationError(_("Enter a phone number we can call, with its area code."))
        return value

    def clean_consent(self) -> bool:
        if not self.cleaned_data.get("consent"):
            raise ValidationError(
                _("Please tick the box: we can only register you with your permission.")
            )
        return True

    def is_bot(self) -> bool:
        return bool((self.data.get("website") or "").strip())


class WalkInForm(forms.Form):
    family = forms.ChoiceField(label=_("A family who came without registering"))

    def __init__(self, *args: Any, families: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["family"]).choices = [("", "—")] + [
            (str(pk), name) for pk, name in families
        ]


class GuestsForm(forms.Form):
    walk_in_guests = forms.IntegerField(
        label=_("Guests not in the program"), min_value=0, max_value=500
    )
