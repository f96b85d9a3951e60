from typing import Any, cast

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from kindred.directory.geo import normalize_zip, zip_centroid
from kindred.directory.models import (
    Capacity,
    Condition,
    Kind,
    Modality,
    Organization,
    Referrer,
    Service,
    ServiceStatus,
    codes_to_text,
)
from kindred.directory.recurrence import parse_rule
from kindred.directory.search import SearchQuery
from kindred.directory.services import PrimaryPlace, PublishDetails
from kindred.lib.languages import spoken_language_choices

MILES_CHOICES = [("5", "5"), ("10", "10"), ("25", "25"), ("50", "50"), ("100", "100")]


def _blank(label: Any) -> list[tuple[str, Any]]:
    return [("", label)]


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Words"), required=False, max_length=200)
    condition = forms.ChoiceField(
        label=_("Condition"), required=False, choices=_blank(_("Any")) + Condition.choices[1:]
    )
    language = forms.ChoiceField(
        label=_("Language spoken"),
        required=False,
        choices=lambda: _blank(_("Any")) + spoken_language_choices(),
    )
    modality = forms.ChoiceField(
        label=_("How"), required=False, choices=_blank(_("Any")) + Modality.choices
    )
    kind = forms.ChoiceField(
        label=_("Kind of support"), required=False, choices=_blank(_("Any")) + Kind.choices
    )
    age = forms.IntegerField(label=_("Child's age"), required=False, min_value=0, max_value=30)
    free = forms.BooleanField(label=_("Free only"), required=False)
    zip = forms.CharField(label=_("ZIP code"), required=False, max_length=10)
    miles = forms.ChoiceField(
        label=_("Within (miles)"), required=False, choices=MILES_CHOICES, initial="25"
    )

    def clean_zip(self) -> str:
        value = self.cleaned_data.get("zip", "").strip()
        if not value:
            return ""
        code = normalize_zip(value)
        if not code:
            raise forms.ValidationError(_("Enter a 5-digit ZIP code, e.g. 60614."))
        if zip_centroid(code) is None:
            raise forms.ValidationError(
                _("We do not know the ZIP code %(zip)s. Check it, or search without it."),
                params={"zip": code},
            )
        return code

    def query(self) -> SearchQuery:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return SearchQuery(
            words=data.get("q", ""),
            condition=data.get("condition", ""),
            language=data.get("language", ""),
            modality=data.get("modality", ""),
            kind=data.get("kind", ""),
            age=data.get("age"),
            free_only=bool(data.get("free")),
            zip_code=data.get("zip", ""),
            miles=int(data.get("miles") or 25),
        )


class OrganizationForm(forms.ModelForm):
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    class Meta:
        model = Organization
        fields = ["name", "alternate_name", "description", "email", "website"]


class ServiceForm(forms.ModelForm):
    """A curator's edit of a service: HSDS fields, peer-support fields and its main place."""

    organization = forms.ModelChoiceField(
        label=_("Organization"), queryset=Organization.objects.none()
    )
    condition_codes = forms.MultipleChoiceField(
        label=_("Conditions served"),
        choices=Condition.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    modality_codes = forms.MultipleChoiceField(
        label=_("How it is offered"),
        choices=Modality.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    referrer_codes = forms.MultipleChoiceField(
        label=_("Who may refer"),
        choices=Referrer.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        choices=spoken_language_choices,
        widget=forms.CheckboxSelectMultiple,
    )
    url = forms.URLField(label=_("Website"), required=False, assume_scheme="https", max_length=500)
    location_name = forms.CharField(label=_("Place name"), required=False, max_length=250)
    address_1 = forms.CharField(label=_("Street address"), required=False, max_length=250)
    address_2 = forms.CharField(label=_("Street address, line 2"), required=False, max_length=250)
    city = forms.CharField(label=_("City"), required=False, max_length=100)
    state = forms.CharField(label=_("State"), required=False, max_length=100)
    postal_code = forms.CharField(
        label=_("ZIP code"),
        required=False,
        max_length=10,
        help_text=_(
            "A ZIP code alone places the service for distance search; other directories receive "
            "the address only when the street, city, state and ZIP code are all filled in."
        ),
    )
    country = forms.CharField(
        label=_("Country"),
        initial="US",
        required=False,
        max_length=2,
        min_length=2,
        help_text=_("Two letters (ISO 3166); US when left empty."),
    )
    phone = forms.CharField(label=_("Phone"), required=False, max_length=50)
    hours = forms.CharField(
        label=_("Hours"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    hours_es = forms.CharField(
        label=_("Hours, in Spanish"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    hours_rule = forms.CharField(
        label=_("Repeats (calendar rule)"),
        required=False,
        max_length=300,
        help_text=_(
            "Optional, for calendars and other directories (RFC 5545): e.g. FREQ=WEEKLY;BYDAY=TU,TH "
            "or FREQ=MONTHLY;BYDAY=2SA (the second Saturday). Leave it empty if the hours say it all."
        ),
    )

    class Meta:
        model = Service
        fields = [
            "name",
            "name_es",
            "description",
            "description_es",
            "kind",
            "populations",
            "eligibility_description",
            "eligibility_description_es",
            "minimum_age",
            "maximum_age",
            "is_free",
            "fees_description",
            "fees_description_es",
            "application_process",
            "application_process_es",
            "url",
            "email",
            "capacity",
            "capacity_note",
            "serves_remotely",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "description_es": forms.Textarea(attrs={"rows": 4}),
            "eligibility_description": forms.Textarea(attrs={"rows": 2}),
            "eligibility_description_es": forms.Textarea(attrs={"rows": 2}),
            "fees_description": forms.Textarea(attrs={"rows": 2}),
            "fees_description_es": forms.Textarea(attrs={"rows": 2}),
            "application_process": forms.Textarea(attrs={"rows": 2}),
            "application_process_es": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(
        self,
        *args: object,
        organizations: object,
        place: PrimaryPlace | None = None,
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        cast(forms.ModelChoiceField, self.fields["organization"]).queryset = cast(
            Any, organizations
        )
        self.fields["kind"].required = True
        cast(forms.ChoiceField, self.fields["capacity"]).choices = Capacity.choices
        self.order_fields(["organization"])
        if self.instance.pk:
            self.fields["organization"].initial = self.instance.organization_id
            self.fields["condition_codes"].initial = self.instance.condition_list
            self.fields["modality_codes"].initial = self.instance.modality_list
            self.fields["referrer_codes"].initial = self.instance.referred_by_list
        if place is not None:
            for name in (
                "location_name",
                "address_1",
                "address_2",
                "city",
                "state",
                "postal_code",
                "country",
                "phone",
                "hours",
                "hours_es",
                "hours_rule",
            ):
                self.fields[name].initial = getattr(place, name)
            self.fields["languages"].initial = list(place.languages)

    def clean_postal_code(self) -> str:
        value = self.cleaned_data.get("postal_code", "").strip()
        if value and zip_centroid(value) is None:
            raise forms.ValidationError(
                _("We do not know the ZIP code %(zip)s. Check it: distance search needs it."),
                params={"zip": value},
            )
        return value

    def clean_country(self) -> str:
        value = self.cleaned_data.get("country", "").strip().upper() or "US"
        if not value.isalpha():
            raise forms.ValidationError(_("Enter the country as two letters, e.g. US."))
        return value

    def clean_hours_rule(self) -> str:
        text = self.cleaned_data.get("hours_rule", "").strip()
        if text:
            _values, found = parse_rule(text)
            if found:
                raise forms.ValidationError([problem.message for problem in found])
        return text

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        low, high = data.get("minimum_age"), data.get("maximum_age")
        if low is not None and high is not None and low > high:
            self.add_error("maximum_age", _("The oldest age must be at least the youngest age."))
        if any(data.get(name) for name in ("address_1", "address_2", "city", "state")):
            # HSDS requires the whole address: a part of one could not be shared.
            missing = {
                "address_1": _("Enter the street address."),
                "city": _("Enter the city of this address."),
                "state": _("Enter the state of this address."),
                "postal_code": _("Enter the ZIP code of this address."),
            }
            for name, message in missing.items():
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, message)
        if not data.get("condition_codes"):
            self.add_error("condition_codes", _("Choose at least one condition, or Any condition."))
        if not data.get("modality_codes"):
            self.add_error("modality_codes", _("Choose at least one way the support is offered."))
        return data

    def apply(self, service: Service) -> PrimaryPlace:
        service.organization = self.cleaned_data["organization"]
        service.conditions = codes_to_text(self.cleaned_data["condition_codes"])
        service.modalities = codes_to_text(self.cleaned_data["modality_codes"])
        service.referred_by = codes_to_text(self.cleaned_data["referrer_codes"])
        data = self.cleaned_data
        return PrimaryPlace(
            location_name=data["location_name"],
            address_1=data["address_1"],
            address_2=data["address_2"],
            city=data["city"],
            state=data["state"],
            postal_code=data["postal_code"],
            country=data["country"],
            phone=data["phone"],
            hours=data["hours"],
            hours_es=data["hours_es"],
            hours_rule=data["hours_rule"],
            languages=tuple(data["languages"]),
        )


class StatusForm(forms.Form):
    """A curator's status change: only the moves `Service.TRANSITIONS` allows from here."""

    status = forms.ChoiceField(label=_("New status"), choices=ServiceStatus.choices)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=500,
        help_text=_(
            "Required to mark it defunct or temporarily closed, or to correct a defunct entry."
        ),
    )

    def __init__(self, *args: Any, service: Service, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "%s")
        super().__init__(*args, **kwargs)
        allowed = set(service.allowed_statuses())
        cast(forms.ChoiceField, self.fields["status"]).choices = [
            c for c in ServiceStatus.choices if c[0] in allowed
        ]


class PublishForm(forms.Form):
    publish = forms.BooleanField(label=_("Publish this program in the directory"), required=False)
    phone = forms.CharField(label=_("Phone for families"), required=False, max_length=50)
    email = forms.EmailField(label=_("E-mail for families"), required=False)
    url = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    zip_code = forms.CharField(
        label=_("ZIP code"),
        required=False,
        max_length=10,
        help_text=_("Where families meet you, so a distance search finds the program."),
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Left empty, Kindred writes one from the program settings."),
    )  # fmt: skip
    description_es = forms.CharField(
        label=_("Description in Spanish"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    logo = forms.ImageField(
        label=_("Logo for the resource folder"),
        required=False,
        help_text=_(
            "PNG or JPEG, at most 200 KB. Printed at the top of every folder you give families."
        ),
    )

    MAX_LOGO_BYTES = 200 * 1024

    def clean_logo(self) -> object:
        logo = self.cleaned_data.get("logo")
        if not logo:
            return None
        if logo.size > self.MAX_LOGO_BYTES:
            raise forms.ValidationError(
                _("The logo is larger than 200 KB: choose a smaller image.")
            )
        image_format = getattr(getattr(logo, "image", None), "format", "")
        if image_format not in {"PNG", "JPEG"}:
            raise forms.ValidationError(_("The logo must be a PNG or JPEG image."))
        return logo

    def clean_zip_code(self) -> str:
        value = self.cleaned_data.get("zip_code", "").strip()
        if value and zip_centroid(value) is None:
            raise forms.ValidationError(
                _("We do not know the ZIP code %(zip)s. Check it: distance search needs it."),
                params={"zip": value},
            )
        return value

    def details(self) -> PublishDetails:
        data = self.cleaned_data
        return PublishDetails(
            phone=data["phone"],
            email=data["email"],
            url=data["url"],
            zip_code=data["zip_code"],
            description=data["description"],
            description_es=data["description_es"],
        )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def clean(self, data: object, initial: object = None) -> list:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class ImportForm(forms.Form):
    files = MultipleFileField(  # type: ignore[assignment]  # a field named like BaseForm.files
        label=_("HSDS files"),
        help_text=_("HSDS 3.0 JSON files, the CSV files of a datapackage, or a ZIP of them."),
        widget=MultipleFileInput(attrs={"accept": ".json,.csv,.zip"}),
    )

    def clean_files(self) -> list:
        uploads = [u for u in self.cleaned_data.get("files") or [] if u]
        if not uploads:
            raise forms.ValidationError(_("Choose at least one file."))
        limit = settings.DIRECTORY_IMPORT_MAX_MB
        if sum(u.size for u in uploads) > limit * 1024 * 1024:
            raise forms.ValidationError(
                _("The files are larger than %(max)s MB together."), params={"max": limit}
            )
        return uploads


class SharedListForm(forms.Form):
    name = forms.CharField(label=_("List name"), max_length=120)


class AddToListForm(forms.Form):
    shared_list = forms.TypedChoiceField(label=_("List"), coerce=int)

    def __init__(self, *args: object, lists: object = (), **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        cast(forms.ChoiceField, self.fields["shared_list"]).choices = [
            (sl.pk, sl.name) for sl in cast(Any, lists)
        ]
