from __future__ import annotations

from decimal import Decimal

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from communes.concurrency import VersionedFormMixin
from communes.fields import AmountField
from communes.formfields import (
    TITLE_WIDGETS,
    BilingualFormMixin,
    ModelMultipleChoiceField,
    formfield,
)
from communes.reference import offer_references
from diagnostics.models import ProjectIdea

from .models import (
    MAX_SCORE,
    ActionCost,
    CouncilDeliberation,
    Financing,
    IdeaDecision,
    IeecagOpinion,
    Indicator,
    Milestone,
    PacAction,
    programme_overruns,
)
from .services import overrun_message

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MAX_AMOUNT = Decimal("999999999999.99")


# --- Step 4 --------------------------------------------------------------------------------------


class CriteriaForm(forms.Form):
    """One weight field (percent) per criterion; they must add up to 100."""

    versions = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            self.fields[f"weight_{criterion.kind}"] = forms.IntegerField(
                label=criterion.get_kind_display(),
                min_value=0,
                max_value=100,
                initial=criterion.weight,
                help_text=criterion.help,
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "weight-input"}),
            )
        if all(c.pk for c in self.criteria):
            self.fields["versions"].initial = ",".join(
                f"{c.kind}:{c.version}" for c in self.criteria
            )

    def weight_fields(self):
        return [self[f"weight_{c.kind}"] for c in self.criteria]

    def clean(self):
        data = super().clean()
        weights = [data.get(f"weight_{c.kind}") for c in self.criteria]
        if None not in weights and sum(weights) != 100:
            raise forms.ValidationError(
                _("The weights add up to %(total)s%%; they must add up to 100%%."),
                params={"total": sum(weights)},
            )
        return data

    @property
    def weights(self) -> dict[str, int]:
        return {c.kind: self.cleaned_data[f"weight_{c.kind}"] for c in self.criteria}

    @property
    def loaded_versions(self) -> dict[str, int] | None:
        raw = self.cleaned_data.get("versions") or ""
        if not raw:
            return None
        pairs = (item.split(":", 1) for item in raw.split(",") if ":" in item)
        try:
            return {kind: int(version) for kind, version in pairs}
        except ValueError:
            return {}


SCORE_CHOICES = [("", _("not scored"))] + [(str(n), str(n)) for n in range(MAX_SCORE + 1)]


class ScoreForm(forms.Form):
    value = forms.TypedChoiceField(
        label=_("Score (0-3)"), choices=SCORE_CHOICES, coerce=int, empty_value=None, required=False
    )
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)
    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean_value(self):
        value = self.cleaned_data.get("value")
        if value is not None and not 0 <= value <= MAX_SCORE:
            raise forms.ValidationError(_("A score is between 0 and 3."))
        return value


class OpinionForm(BilingualFormMixin, VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = IeecagOpinion
        fields = ["date", "verdict", "text", "text_ar"]
        widgets = {
            "date": DATE,
            "text": forms.Textarea(attrs={"rows": 3}),
            "text_ar": forms.Textarea(attrs={"rows": 3}),
        }


class DeliberationForm(BilingualFormMixin, VersionedFormMixin, forms.ModelForm):
    bilingual_required = ("decision",)

    def __init__(self, *args, opinion_date=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The opinion saved in the same submission, compared with instead of the stored one.
        self.instance.opinion_date = opinion_date

    class Meta:
        model = CouncilDeliberation
        fields = [
            "session",
            "session_name",
            "session_name_ar",
            "date",
            "number",
            "decision",
            "decision_ar",
        ]
        widgets = {
            "date": DATE,
            "decision": forms.Textarea(attrs={"rows": 3}),
            "decision_ar": forms.Textarea(attrs={"rows": 3}),
            "number": forms.TextInput(attrs={"dir": "auto"}),
        }


class DecisionRowForm(forms.Form):
    idea = forms.UUIDField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(
        label=_("Decision"),
        choices=[("", _("not decided"))] + list(IdeaDecision.Outcome.choices),
        required=False,
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.TextInput(attrs={"dir": "auto"}),
        max_length=500,
    )
    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean(self):
        data = super().clean()
        outcome = data.get("outcome")
        if (
            outcome
            and outcome != IdeaDecision.Outcome.ADOPTED
            and not (data.get("reason") or "").strip()
        ):
            self.add_error("reason", _("Give the reason for rejecting or postponing this idea."))
        return data


DecisionFormSet = forms.formset_factory(DecisionRowForm, extra=0)


# --- Step 5: the action sheet ----------------------------------------------------------------


class IdeaChoiceField(ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} {obj.display_title}"


class ActionForm(BilingualFormMixin, VersionedFormMixin, forms.ModelForm):
    bilingual_required = ("axis", "objectives")

    ideas = IdeaChoiceField(
        label=_("Adopted ideas it comes from"),
        queryset=ProjectIdea.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick two ideas to merge them into one action: both keep their thread."),
    )

    class Meta:
        model = PacAction
        formfield_callback = formfield
        fields = [
            "title",
            "title_ar",
            "axis",
            "axis_ar",
            "sector",
            "competence",
            "partner_convention",
            "partner_convention_ar",
            "objectives",
            "objectives_ar",
            "expected_results",
            "expected_results_ar",
            "beneficiaries_women",
            "beneficiaries_men",
            "location",
            "location_ar",
            "partners",
            "partners_ar",
            "lead_service",
            "lead_service_ar",
            "start_date",
            "end_date",
            "gender_marker",
            "migration_marker",
            "status",
            "status_reason",
            *PacAction.REFERENCE_LISTS,
        ]
        widgets = {
            **TITLE_WIDGETS,
            "axis": forms.TextInput(attrs={"list": "axis-list"}),
            "axis_ar": forms.TextInput(attrs={"list": "axis-list-ar"}),
            "objectives": forms.Textarea(attrs={"rows": 3}),
            "objectives_ar": forms.Textarea(attrs={"rows": 3}),
            "expected_results": forms.Textarea(attrs={"rows": 3}),
            "expected_results_ar": forms.Textarea(attrs={"rows": 3}),
            **dict.fromkeys(PacAction.REFERENCE_LISTS, forms.CheckboxSelectMultiple),
            "start_date": DATE,
            "end_date": DATE,
        }

    def __init__(self, *args, cycle, **kwargs):
        self.cycle = cycle
        super().__init__(*args, **kwargs)
        offer_references(self, ("sector", *PacAction.REFERENCE_LISTS))
        # Adopted ideas of the cycle not yet in another action, plus this action's own.
        own = Q(action_link__action=self.instance) if self.instance.pk else Q(pk__in=[])
        self.fields["ideas"].queryset = (
            ProjectIdea.objects.filter(cycle=cycle, decision__outcome=IdeaDecision.Outcome.ADOPTED)
            .filter(Q(action_link__isnull=True) | own)
            .order_by("number")
        )
        if self.instance.pk:
            self.fields["ideas"].initial = list(
                self.instance.idea_links.values_list("idea_id", flat=True)
            )
        elif not self.fields["ideas"].queryset.exists():
            # An empty list of boxes with a star says nothing: say why, and where to go.
            self.fields["ideas"].help_text = _(
                "Every adopted idea already has its action sheet. Adopt another idea in the "
                "council's decision (step 4), or open an existing sheet to extend it."
            )

    def clean(self):
        data = super().clean()
        competence = data.get("competence")
        if (
            competence
            and competence != PacAction.Competence.OWN
            and not data.get("partner_convention", "").strip()
            and not data.get("partner_convention_ar", "").strip()
        ):
            self.add_error(
                "partner_convention",
                _(
                    "Name the partner and the convention of an action outside the commune's "
                    "own competences."
                ),
            )
        if (
            data.get("status") == PacAction.Status.ABANDONED
            and not data.get("status_reason", "").strip()
        ):
            self.add_error("status_reason", _("Say why the action was abandoned."))
        for name in ("start_date", "end_date"):
            value = data.get(name)
            if value and not self.cycle.start_year <= value.year <= self.cycle.end_year:
                self.add_error(
                    name,
                    _("This date is outside the PAC %(period)s.") % {"period": self.cycle.period},
                )
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end cannot come before the start."))
        return data

    def strategy_fields(self) -> list:
        """The national strategies' lists as bound fields, in the order of the sheet."""
        return [self[name] for name in PacAction.STRATEGY_LISTS]


class RowForm(forms.ModelForm):
    """A row of an inline table: small Bootstrap widgets (the table renders them by hand)."""

    def __init__(self, *args, cycle=None, **kwargs):
        self.cycle = cycle
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                continue
            css = (
                "form-select form-select-sm"
                if isinstance(widget, forms.Select)
                else ("form-control form-control-sm")
            )
            widget.attrs["class"] = f"{css} {widget.attrs.get('class', '')}".strip()


def amount_field(**kwargs) -> AmountField:
    """An amount in dirhams, to the centime, never negative."""
    return AmountField(
        label=_("Amount (MAD)"),
        min_value=Decimal(0),
        max_value=MAX_AMOUNT,
        max_digits=14,
        decimal_places=2,
        error_messages={"min_value": _("An amount cannot be negative.")},
        **kwargs,
    )


class CostForm(RowForm):
    # The help text says so: an empty amount is a year without cost.
    amount = amount_field(required=False)

    class Meta:
        model = ActionCost
        fields = ["year", "amount"]
        widgets = {
            "year": forms.NumberInput(attrs={"inputmode": "numeric", "class": "year-input"}),
        }

    def clean(self):
        data = super().clean()
        if data.get("amount") is None and "amount" not in self.errors:
            # A cleared amount removes that year's cost; an empty new row is skipped.
            data["DELETE"] = True
        return data

    def _post_clean(self):
        if self.cleaned_data.get("DELETE") and self.cleaned_data.get("amount") is None:
            return  # a removed row keeps its saved values (its deletion is in the history)
        super()._post_clean()


class FinancingForm(RowForm):
    amount = amount_field()

    class Meta:
        model = Financing
        fields = ["source", "detail", "detail_ar", "amount", "status"]
        widgets = {
            "detail": forms.TextInput(attrs={"dir": "ltr", "lang": "fr"}),
            "detail_ar": forms.TextInput(attrs={"dir": "rtl", "lang": "ar"}),
        }


class IndicatorForm(RowForm):
    class Meta:
        model = Indicator
        fields = [
            "name",
            "name_ar",
            "unit",
            "unit_ar",
            "baseline",
            "target",
            "by_sex",
            "by_migrant_status",
            "source",
            "source_ar",
            "frequency",
        ]
        widgets = {
            "name": forms.TextInput(attrs={"dir": "ltr", "lang": "fr"}),
            "name_ar": forms.TextInput(attrs={"dir": "rtl", "lang": "ar"}),
            "unit": forms.TextInput(attrs={"dir": "ltr", "lang": "fr"}),
            "unit_ar": forms.TextInput(attrs={"dir": "rtl", "lang": "ar"}),
            "source": forms.TextInput(attrs={"dir": "ltr", "lang": "fr"}),
            "source_ar": forms.TextInput(attrs={"dir": "rtl", "lang": "ar"}),
        }

        field_classes = {"baseline": AmountField, "target": AmountField}

    def clean(self):
        data = super().clean()
        for name in ("name", "unit"):
            if name in self.errors:
                continue
            if not (data.get(name) or "").strip() and not (data.get(name + "_ar") or "").strip():
                self.add_error(
                    name, _("Write it in French or in Arabic (one of the two is required).")
                )
        return data


class MilestoneForm(RowForm):
    class Meta:
        model = Milestone
        fields = ["title", "due_date", "done"]
        widgets = {"title": forms.TextInput(attrs={"dir": "auto"}), "due_date": DATE}


class YearsFormSet(forms.BaseInlineFormSet):
    def display_forms(self) -> list:
        """The rows in year order: the saved years come first in the formset, so an empty
        first year offered again would otherwise show after the last one."""

        def year(form):
            try:
                return int(form["year"].value())
            except (TypeError, ValueError):
                return 10_000  # a row without a year goes last

        return sorted(self.forms, key=year)

    def validate_unique(self):
        # Two rows of the same year: said in clean(), on the second row next to its year,
        # rather than once for the whole table.
        pass

    def clean(self):
        super().clean()
        years = []
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or not form.cleaned_data:
                continue
            if form.cleaned_data.get("DELETE"):
                continue
            year = form.cleaned_data.get("year")
            if year in years:
                form.add_error("year", _("This year already has a cost."))
            years.append(year)

    def costs(self) -> dict:
        """The yearly costs as typed (valid rows only, removed rows left out)."""
        return {
            form.cleaned_data["year"]: form.cleaned_data["amount"]
            for form in self.forms
            if getattr(form, "cleaned_data", None)
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("year") is not None
            and form.cleaned_data.get("amount") is not None
        }


class FinancingRowsFormSet(forms.BaseInlineFormSet):
    # Set by ``action_formsets``: the yearly costs typed on the same sheet.
    cost_formset = None

    def clean(self):
        super().clean()
        if self.cost_formset is None or not self.cost_formset.is_valid():
            return
        rows = [
            form
            for form in self.forms
            if getattr(form, "cleaned_data", None)
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("amount") is not None
        ]
        planned = {}
        for form in rows:
            source = form.cleaned_data["source"]
            planned[source] = planned.get(source, Decimal(0)) + form.cleaned_data["amount"]
        overruns = programme_overruns(self.cost_formset.costs(), planned)
        if not overruns:
            return
        for form in rows:
            overrun = overruns.get(form.cleaned_data["source"])
            if overrun:
                form.add_error("amount", overrun_message(*overrun))


def _formset(form, extra, base=forms.BaseInlineFormSet):
    return forms.inlineformset_factory(
        PacAction, form.Meta.model, form=form, formset=base, extra=extra, can_delete=True
    )


FinancingFormSet = _formset(FinancingForm, 2, FinancingRowsFormSet)
IndicatorFormSet = _formset(IndicatorForm, 1)
MilestoneFormSet = _formset(MilestoneForm, 2)
FORMSET_PREFIXES = ("costs", "financing", "indicators", "milestones")


def action_formsets(action, cycle, data=None) -> dict:
    """The four inline formsets of the action sheet; a new sheet offers a row per PAC year."""
    have = set(action.costs.values_list("year", flat=True)) if action.pk else set()
    costs_initial = [{"year": year} for year in cycle.years if year not in have]
    cost_set = forms.inlineformset_factory(
        PacAction,
        ActionCost,
        form=CostForm,
        formset=YearsFormSet,
        extra=len(costs_initial),
        can_delete=True,
    )
    kwargs = {"instance": action, "form_kwargs": {"cycle": cycle}}
    formsets = {
        "costs": cost_set(
            data,
            prefix="costs",
            initial=costs_initial,
            queryset=ActionCost.objects.order_by("year"),
            **kwargs,
        ),
        "financing": FinancingFormSet(data, prefix="financing", **kwargs),
        "indicators": IndicatorFormSet(data, prefix="indicators", **kwargs),
        "milestones": MilestoneFormSet(data, prefix="milestones", **kwargs),
    }
    formsets["financing"].cost_formset = formsets["costs"]
    return formsets
