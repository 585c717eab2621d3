from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import PlanningCycle


class CycleOpenForm(forms.Form):
    start_year = forms.IntegerField(
        label=_("First year of the PAC"),
        help_text=_(
            "The PAC covers six years and is drawn up at the latest in the first year "
            "of the council's mandate (organic law 113-14, art. 78)."
        ),
    )

    def clean_start_year(self) -> int:
        year = self.cleaned_data["start_year"]
        this_year = timezone.localdate().year
        if year < 2016 or year > this_year + 1:
            raise forms.ValidationError(
                _("Enter a year between %(first)s and %(last)s.")
                % {"first": 2016, "last": this_year + 1}
            )
        return year

    @property
    def length(self) -> int:
        return PlanningCycle.DEFAULT_LENGTH
