"""Forms of the pages after step 5: the PAC's deliberations, the visa, the yearly follow-up."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .forms import DATE, MAX_AMOUNT
from .models import ActionYear, GovernorVisa, PacAction, PacDeliberation


class PacDeliberationForm(forms.ModelForm):
    added = forms.ModelMultipleChoiceField(
        label=_("Actions the update adds"),
        queryset=PacAction.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    changed = forms.ModelMultipleChoiceField(
        label=_("Actions the update changes"),
        queryset=PacAction.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    dropped = forms.ModelMultipleChoiceField(
        label=_("Actions the update drops"),
        queryset=PacAction.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = PacDeliberation
        fields = [
            "kind",
            "session",
            "date",
            "number",
            "members",
            "present",
            "votes_for",
            "votes_against",
            "abstentions",
            "president",
            "secretary",
            "opinion_verdict",
            "opinion_date",
            "summary",
        ]
        widgets = {
            "date": DATE,
            "opinion_date": DATE,
            "number": forms.TextInput(attrs={"dir": "auto"}),
            "president": forms.TextInput(attrs={"dir": "auto"}),
            "secretary": forms.TextInput(attrs={"dir": "auto"}),
            "summary": forms.Textarea(attrs={"rows": 2, "dir": "auto"}),
        }

    def __init__(self, *args, cycle, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.cycle = cycle
        actions = PacAction.objects.filter(cycle=cycle).order_by("number")
        for name in ("added", "changed", "dropped"):
            self.fields[name].queryset = actions
            self.fields[name].label_from_instance = lambda a: f"{a.code} - {a.title}"


class VisaForm(forms.ModelForm):
    class Meta:
        model = GovernorVisa
        fields = ["date", "reference", "remarks"]
        widgets = {
            "date": DATE,
            "reference": forms.TextInput(attrs={"dir": "auto"}),
            "remarks": forms.Textarea(attrs={"rows": 2, "dir": "auto"}),
        }


class ActionYearForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ActionYear.Status.choices)
    reason = forms.CharField(
        label=_("Reason (suspended or dropped)"),
        max_length=250,
        required=False,
        widget=forms.TextInput(attrs={"dir": "auto"}),
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2, "dir": "auto"})
    )
    milestones = forms.ModelMultipleChoiceField(
        label=_("Milestones done this year"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, action, sources, indicators, **kwargs):
        super().__init__(*args, **kwargs)
        self.sources, self.indicators = sources, indicators
        self.fields["milestones"].queryset = action.milestones.order_by("due_date", "pk")
        money = {"min_value": 0, "max_value": MAX_AMOUNT, "decimal_places": 2, "required": False}
        for code, label in sources:
            self.fields[f"committed_{code}"] = forms.DecimalField(
                label=_("%(source)s: committed (MAD)") % {"source": label}, **money
            )
            self.fields[f"paid_{code}"] = forms.DecimalField(
                label=_("%(source)s: paid (MAD)") % {"source": label}, **money
            )
        value = {"min_value": 0, "max_digits": 12, "decimal_places": 2, "required": False}
        for indicator in indicators:
            self.fields[f"value_{indicator.pk}"] = forms.DecimalField(
                label=_("%(indicator)s (%(unit)s): measured")
                % {"indicator": indicator.name, "unit": indicator.unit},
                **value,
            )
            if indicator.by_sex:
                self.fields[f"women_{indicator.pk}"] = forms.DecimalField(
                    label=_("of which women"), **value
                )
                self.fields[f"men_{indicator.pk}"] = forms.DecimalField(
                    label=_("of which men"), **value
                )
            if indicator.by_migrant_status:
                self.fields[f"migrants_{indicator.pk}"] = forms.DecimalField(
                    label=_("of which migrants"), **value
                )

    def clean(self):
        data = super().clean()
        if (
            data.get("status") in ("suspended", "dropped")
            and not (data.get("reason") or "").strip()
        ):
            self.add_error("reason", _("Say why the action was suspended or dropped."))
        for code, _label in self.sources:
            committed, paid = data.get(f"committed_{code}") or 0, data.get(f"paid_{code}") or 0
            if paid > committed:
                self.add_error(f"paid_{code}", _("More paid than committed."))
        for indicator in self.indicators:
            value = data.get(f"value_{indicator.pk}")
            parts = [data.get(f"{k}_{indicator.pk}") for k in ("women", "men")]
            if value is None and any(
                p is not None for p in parts + [data.get(f"migrants_{indicator.pk}")]
            ):
                self.add_error(f"value_{indicator.pk}", _("Give the measured value."))
            if value is not None and indicator.by_sex and None not in parts and sum(parts) != value:
                self.add_error(
                    f"women_{indicator.pk}", _("Women and men add up to the measured value.")
                )
            migrants = data.get(f"migrants_{indicator.pk}")
            if value is not None and migrants is not None and migrants > value:
                self.add_error(
                    f"migrants_{indicator.pk}", _("More migrants than the measured value.")
                )
        return data

    def money(self) -> dict:
        d = self.cleaned_data
        return {
            code: (d.get(f"committed_{code}") or 0, d.get(f"paid_{code}") or 0)
            for code, _label in self.sources
        }

    def measures(self) -> dict:
        d = self.cleaned_data
        return {
            i.pk: {
                "value": d.get(f"value_{i.pk}"),
                "women": d.get(f"women_{i.pk}"),
                "men": d.get(f"men_{i.pk}"),
                "migrants": d.get(f"migrants_{i.pk}"),
            }
            for i in self.indicators
        }
