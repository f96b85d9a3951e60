"""The report's period (and the period it is compared with): dates in, a clear error out."""

from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MAX_DAYS = 3 * 366  # a report of more than three years is an export's job
BY_MONTH_MAX = 24  # months shown in the by-month table


def default_period(today: date | None = None) -> tuple[date, date]:
    """The last six whole months and the current one so far (the seed's six-month report)."""
    today = today or timezone.localdate()
    month = today.month - 6
    year = today.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    return date(year, month, 1), today


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To (inclusive)"), widget=forms.DateInput(attrs={"type": "date"}))
    compare_start = forms.DateField(
        label=_("Compare with: from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    compare_end = forms.DateField(
        label=_("Compare with: to"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        for first, last in (("start", "end"), ("compare_start", "compare_end")):
            lo, hi = data.get(first), data.get(last)
            if (lo is None) != (hi is None) and first == "compare_start":
                self.add_error(last if hi is None else first, _("Give both dates of the period."))
            elif lo and hi:
                if hi < lo:
                    self.add_error(last, _("The period ends before it starts."))
                elif (hi - lo).days >= MAX_DAYS:
                    self.add_error(last, _("A report covers at most three years."))
                elif hi >= date.max - timedelta(days=1) or lo.year < 1900:
                    self.add_error(last, _("Please give a real date."))
        return data

    def periods(self) -> list[tuple[date, date]]:
        """Half-open periods: [start, last day + 1)."""
        data = self.cleaned_data
        periods = [(data["start"], data["end"] + timedelta(days=1))]
        if data.get("compare_start") and data.get("compare_end"):
            periods.append((data["compare_start"], data["compare_end"] + timedelta(days=1)))
        return periods
