from datetime import date, timedelta

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _


def past_months(count: int = 36) -> list[date]:
    """The first days of the last `count` months that have ended, newest first."""
    month = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    months = []
    for _i in range(count):
        months.append(month)
        month = (month - timedelta(days=1)).replace(day=1)
    return months


def _first_day(value: str) -> date:
    """A month chosen from the list ("YYYY-MM") as its first day."""
    year, month = value.split("-")
    return date(int(year), int(month), 1)


class ReportRequestForm(forms.Form):
    month = forms.ChoiceField(label=_("Month"))
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["month"].choices = [
            (m.strftime("%Y-%m"), date_format(m, "F Y")) for m in past_months()
        ]

    def clean_month(self) -> date:
        return _first_day(self.cleaned_data["month"])


class DashboardMonthForm(forms.Form):
    month = forms.ChoiceField(label=_("Month"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        this_month = timezone.localdate().replace(day=1)
        self.fields["month"].choices = [
            (m.strftime("%Y-%m"), date_format(m, "F Y")) for m in [this_month, *past_months()]
        ]

    def clean_month(self) -> date:
        return _first_day(self.cleaned_data["month"] or timezone.localdate().strftime("%Y-%m"))
