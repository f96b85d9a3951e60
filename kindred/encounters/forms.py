"""The one-screen encounter form: chips (checkboxes and radios) for every choice, the family
preselected when started from a family or match page, date and time defaulting to now, and the
setting, mode and who reached out defaulting to the person's last encounter."""

from datetime import timedelta
from typing import Any, cast

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from kindred.directory.models import Service
from kindred.encounters.access import can_read_notes
from kindred.encounters.codebook import theme_label
from kindred.encounters.models import (
    MAX_DURATION_MINUTES,
    Concern,
    Encounter,
    InitiatedBy,
    Mode,
    Setting,
    SupportType,
    Theme,
)
from kindred.families.models import Caregiver, Child, Family
from kindred.mentors.models import Mentor
from kindred.programs.access import has_capability
from kindred.programs.permissions import Cap

MAX_NOTES = 5000
CHIPS_TEMPLATE = "encounters/widgets/chips.html"
CHIP_TEMPLATE = "encounters/widgets/chip.html"


def _attrs_html(attrs: dict[str, Any]) -> str:
    """`django/forms/widgets/attrs.html` in Python."""
    return "".join(
        format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value)
        for name, value in attrs.items()
        if value is not False
    )


def _chip_html(option: dict[str, Any]) -> str:
    """`encounters/widgets/chip.html` in Python (a rendered template is stripped; an included
    one keeps its final line break)."""
    attrs = option["attrs"]
    return format_html(
        '<label class="chip"{}><input type="{}" name="{}"{}{}> <span>{}</span></label>',
        format_html(' for="{}"', attrs["id"]) if attrs.get("id") else "",
        option["type"],
        option["name"],
        format_html(' value="{}"', option["value"]) if option["value"] is not None else "",
        mark_safe(_attrs_html(attrs)),  # its values escaped by format_html
        option["label"],
    )


class ChipsRendering:
    """The chips of a choice field rendered in Python: the same markup as the templates
    `encounters/widgets/chips.html` and `chip.html` (tests/test_form_queries.py compares them),
    without a template render for each of the many options (the codebook's themes, the
    directory's resources, the families) — most of the form's time otherwise."""

    def _render(self, template_name: str, context: dict[str, Any], renderer: Any = None) -> str:
        widget = context["widget"]
        if template_name == CHIP_TEMPLATE:
            return mark_safe(_chip_html(widget))  # built by format_html
        if template_name == CHIPS_TEMPLATE:
            options = "".join(
                _chip_html(option) + "\n"
                for _group, group_options, _index in widget["optgroups"]
                for option in group_options
            )
            return format_html(
                '<div{} class="chips">{}</div>',
                format_html(' id="{}"', widget["attrs"]["id"]) if widget["attrs"].get("id") else "",
                mark_safe(options),  # built by format_html
            )
        return cast(Any, super())._render(template_name, context, renderer)


class Chips(ChipsRendering, forms.CheckboxSelectMultiple):
    template_name = CHIPS_TEMPLATE
    option_template_name = CHIP_TEMPLATE


class RadioChips(ChipsRendering, forms.RadioSelect):
    template_name = CHIPS_TEMPLATE
    option_template_name = CHIP_TEMPLATE


class ThemeField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return theme_label(obj)


class PersonField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.first_name} {obj.last_name}".strip()


class EncounterForm(forms.Form):
    families = forms.ModelMultipleChoiceField(
        Family.objects.none(), label=_("Family"), widget=Chips, required=True
    )
    occurred_at = forms.DateTimeField(
        label=_("When"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
    )
    duration_minutes = forms.IntegerField(
        label=_("How long (minutes)"), min_value=1, max_value=MAX_DURATION_MINUTES, initial=30
    )
    setting = forms.ChoiceField(label=_("Where"), choices=Setting.choices, widget=RadioChips)
    mode = forms.ChoiceField(label=_("How"), choices=Mode.choices, widget=RadioChips)
    initiated_by = forms.ChoiceField(
        label=_("Who reached out"), choices=InitiatedBy.choices, widget=RadioChips
    )
    support_types = forms.MultipleChoiceField(
        label=_("Support given"),
        choices=SupportType.choices,
        widget=Chips,
        error_messages={"required": _("Tick at least one kind of support.")},
    )
    themes = ThemeField(Theme.objects.none(), label=_("Themes"), required=False, widget=Chips)
    caregivers = PersonField(
        Caregiver.objects.none(), label=_("Caregivers who took part"), required=False, widget=Chips
    )
    children = PersonField(
        Child.objects.none(), label=_("Children who took part"), required=False, widget=Chips
    )
    interpreter_used = forms.BooleanField(label=_("An interpreter was used"), required=False)
    mentors = forms.ModelMultipleChoiceField(
        Mentor.objects.none(), label=_("Mentors"), required=False, widget=Chips
    )
    services = forms.ModelMultipleChoiceField(
        Service.objects.none(), label=_("Resources shared"), required=False, widget=Chips
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=MAX_NOTES,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only you, the program's supervisors and coordinators can read them."),
    )
    follow_up = forms.CharField(label=_("Follow-up"), required=False, max_length=300)
    follow_up_due = forms.DateField(
        label=_("Follow-up by"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    concern = forms.ChoiceField(
        label=_("Concern"),
        choices=[("", _("No concern")), *list(Concern.choices)],
        required=False,
        widget=RadioChips,
        help_text=_("A concern goes to a supervisor at once."),
    )
    concern_details = forms.CharField(
        label=_("What worries you"),
        required=False,
        max_length=MAX_NOTES,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        program: Any,
        user: Any,
        families: Any,
        services: Any,
        instance: Encounter | None = None,
        preselected: list[int] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.program, self.user, self.instance = program, user, instance
        if instance is not None and not can_read_notes(user, instance):
            # A co-author who may edit the encounter but not read its notes: the box stays
            # shut (not posted, not saved), so the writer's notes are never overwritten.
            notes = self.fields["notes"]
            notes.disabled = True
            notes.help_text = _(
                "Only the writer, the program's supervisors and coordinators can read or change "
                "the notes."
            )
        self.staff = has_capability(user, program.pk, Cap.ENCOUNTERS_VIEW)
        linked = list(instance.families.values_list("pk", flat=True)) if instance else []
        family_q = Family.objects.filter(program=program).filter(
            Q(pk__in=families.values("pk")) | Q(pk__in=linked)
        )
        cast(forms.ModelMultipleChoiceField, self.fields["families"]).queryset = family_q
        self.primary = {str(pk) for pk in [*(preselected or []), *linked]}
        # The people of the families a person may tick: a mentor's families (a few), or the
        # families preselected, already linked or just posted (a coordinator's are many).
        people_families = set(preselected or []) | set(linked)
        if not self.staff:
            people_families |= set(families.values_list("pk", flat=True))
        if self.is_bound:
            posted = cast(Any, self.data).getlist("families")
            people_families |= {int(v) for v in posted if str(v).isdigit()}
        # Only families this person may choose: a posted id of another program's family
        # must not show that family's people back in the 400 page.
        people_families = set(family_q.filter(pk__in=people_families).values_list("pk", flat=True))
        self.people_families = people_families
        cast(
            forms.ModelMultipleChoiceField, self.fields["caregivers"]
        ).queryset = Caregiver.objects.filter(
            family_id__in=people_families, is_active=True
        ).order_by("family_id", "-is_primary", "id")
        cast(
            forms.ModelMultipleChoiceField, self.fields["children"]
        ).queryset = Child.objects.filter(family_id__in=people_families, is_active=True).order_by(
            "family_id", "id"
        )
        themes = Theme.objects.filter(program=program).filter(
            Q(is_active=True) | Q(pk__in=instance.themes.values("pk") if instance else [])
        )
        cast(forms.ModelMultipleChoiceField, self.fields["themes"]).queryset = themes
        mentors = Mentor.objects.filter(program=program).filter(
            Q(status=Mentor.Status.ACTIVE)
            | Q(pk__in=instance.mentors.values("pk") if instance else [])
        )
        if not self.staff:
            mentors = mentors.exclude(user=user)  # co-mentors; the person is added themselves
        cast(forms.ModelMultipleChoiceField, self.fields["mentors"]).queryset = mentors
        cast(forms.ModelMultipleChoiceField, self.fields["services"]).queryset = services
        self.fields["mentors"].label = _("Mentors") if self.staff else _("Co-mentors")
        if instance is None and not self.is_bound:
            self._defaults(preselected or [])

    def _defaults(self, preselected: list[int]) -> None:
        self.initial["occurred_at"] = timezone.localtime().replace(second=0, microsecond=0)
        self.initial["families"] = preselected
        self.initial["initiated_by"] = InitiatedBy.MENTOR  # the usual case; one tap to change
        last = (
            Encounter.objects.filter(program=self.program, created_by=self.user)
            .order_by("-created_at", "-id")
            .values("setting", "mode", "initiated_by")
            .first()
        )
        if last:
            self.initial.update(last)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if bool((data.get("follow_up") or "").strip()) != bool(data.get("follow_up_due")):
            self.add_error("follow_up_due", _("A follow-up needs both what to do and a date."))
        families = {f.pk for f in data.get("families") or []}
        for name in ("caregivers", "children"):
            if any(p.family_id not in families for p in data.get(name) or []):
                self.add_error(name, _("Choose people of the families who took part."))
        when = data.get("occurred_at")
        if when and when > timezone.now() + timedelta(minutes=5):
            self.add_error("occurred_at", _("An encounter cannot be in the future."))
        if data.get("concern") and not self.staff and not self.own_mentor():
            self.add_error("concern", _("Your mentor record is missing: ask a coordinator."))
        return data

    def own_mentor(self) -> Mentor | None:
        return Mentor.objects.filter(program=self.program, user=self.user).first()
