from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from communes.concurrency import VersionedFormMixin
from communes.formfields import (
    TITLE_WIDGETS,
    BilingualFormMixin,
    ModelMultipleChoiceField,
    count_field,
    formfield,
    tick_boxes,
)
from communes.numbers import listing
from communes.reference import offer_references

from .models import (
    AgeBand,
    ConsultationSession,
    Finding,
    MigrationFigure,
    Participation,
    ProjectIdea,
)


class CycleBoundForm(BilingualFormMixin, VersionedFormMixin, forms.ModelForm):
    def __init__(self, *args, cycle, **kwargs):
        self.cycle = cycle
        super().__init__(*args, **kwargs)


class SessionForm(CycleBoundForm):
    languages = tick_boxes(_("Languages"), ConsultationSession.Language.choices)

    class Meta:
        model = ConsultationSession
        fields = ["title", "title_ar", "kind", "date", "place", "facilitator", "languages", "notes"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "notes": forms.Textarea(attrs={"rows": 5, "dir": "auto"}),
            **TITLE_WIDGETS,
        }
        help_texts = {"title": _("For example: focus group with women seasonal workers.")}

    def clean_date(self) -> datetime.date:
        # Dates before the PAC period are refused by the model (ConsultationSession.clean).
        date = self.cleaned_data["date"]
        if date > timezone.localdate() + datetime.timedelta(days=365):
            raise forms.ValidationError(_("This date is more than a year in the future."))
        return date


def band_key(band: str) -> str:
    return band or "all"


class ParticipationRowForm(forms.Form):
    """One row of the participants grid: a group's women and men (by age band or not)."""

    group = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, bands: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.bands = bands
        for band in bands:
            for sex in ("women", "men"):
                self.fields[f"{sex}_{band_key(band)}"] = count_field("grid-count")

    def label_cells(self, group_name: str) -> None:
        band_labels = dict(AgeBand.choices)
        for band in self.bands:
            for sex, sex_label in (("women", _("women")), ("men", _("men"))):
                parts = [group_name, str(sex_label)]
                if band:
                    parts.append(str(band_labels[band]))
                self.fields[f"{sex}_{band_key(band)}"].widget.attrs["aria-label"] = listing(parts)

    def cells(self):
        return [
            (band, self[f"women_{band_key(band)}"], self[f"men_{band_key(band)}"])
            for band in self.bands
        ]

    def counts(self) -> dict[str, tuple[int, int]]:
        return {
            band: (
                self.cleaned_data.get(f"women_{band_key(band)}") or 0,
                self.cleaned_data.get(f"men_{band_key(band)}") or 0,
            )
            for band in self.bands
        }


class BaseParticipationFormSet(forms.BaseFormSet):
    def __init__(self, *args, group_codes: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.group_codes = group_codes

    def clean(self):
        if any(self.errors):
            return
        if [form.cleaned_data.get("group") for form in self.forms] != self.group_codes:
            raise forms.ValidationError(
                _("The list of groups changed while you were typing. Reload the page.")
            )


ParticipationFormSet = forms.formset_factory(
    ParticipationRowForm, formset=BaseParticipationFormSet, extra=0
)


class ParticipationGrid:
    """The participants grid: rows = consultation groups, columns = women / men (by age band)."""

    def __init__(self, *, groups, by_age_band: bool, session=None, data=None, typed=None):
        """``typed``: the counts typed in the other layout (``counts()`` of that grid),
        carried over when the user switches between totals and age bands."""
        self.groups = list(groups)
        self.by_age_band = by_age_band
        self.bands = [b for b in AgeBand.values if b] if by_age_band else [AgeBand.ALL.value]
        existing = {}
        if typed is not None:
            for (group_id, band), (women, men) in typed.items():
                existing[(group_id, band)] = Participation(
                    group_id=group_id, age_band=band, women=women, men=men
                )
        elif session is not None and session.pk:
            for row in session.participations.all():
                existing[(row.group_id, row.age_band)] = row
        self.existing = existing
        # Totals typed without age bands cannot be split for the user: shown next to the row.
        self.unsplit = {
            group_id: (row.women, row.men)
            for (group_id, band), row in existing.items()
            if by_age_band and not band
        }
        initial = []
        for group in self.groups:
            row = {"group": group.code}
            for band in self.bands:
                found = existing.get((group.pk, band))
                if found is None and not band and existing:
                    # Switching from age bands to totals: start from the sums.
                    rows = [r for (g, _b), r in existing.items() if g == group.pk]
                    if rows:
                        row[f"women_{band_key(band)}"] = sum(r.women for r in rows)
                        row[f"men_{band_key(band)}"] = sum(r.men for r in rows)
                    continue
                if found is not None:
                    row[f"women_{band_key(band)}"] = found.women
                    row[f"men_{band_key(band)}"] = found.men
            initial.append(row)
        self.formset = ParticipationFormSet(
            data=data,
            initial=initial,
            prefix="grid",
            form_kwargs={"bands": self.bands},
            group_codes=[g.code for g in self.groups],
        )
        for group, form in zip(self.groups, self.formset.forms, strict=False):
            form.label_cells(group.name)
            form.unsplit = self.unsplit.get(group.pk)

    @property
    def band_labels(self):
        labels = dict(AgeBand.choices)
        return [labels[b] for b in self.bands]

    def rows(self):
        return list(zip(self.groups, self.formset.forms, strict=False))

    def typed_counts(self) -> dict[tuple[int, str], tuple[int, int]]:
        """The non-empty cells typed so far, leaving out those that are not whole numbers."""
        result = {}
        for group, form in self.rows():
            form.is_valid()
            for band in self.bands:
                women = form.cleaned_data.get(f"women_{band_key(band)}") or 0
                men = form.cleaned_data.get(f"men_{band_key(band)}") or 0
                if women or men:
                    result[(group.pk, band)] = (women, men)
        return result

    def is_valid(self) -> bool:
        if not self.formset.is_valid():
            for form in self.formset.forms:
                for name in form.errors:
                    if name in form.fields:
                        widget = form.fields[name].widget
                        widget.attrs["class"] = widget.attrs.get("class", "") + " is-invalid"
            return False
        return True

    def counts(self) -> dict[tuple[int, str], tuple[int, int]]:
        """``{(group id, age band): (women, men)}`` for the non-empty cells."""
        result = {}
        for group, form in self.rows():
            for band, (women, men) in form.counts().items():
                if women or men:
                    result[(group.pk, band)] = (women, men)
        return result


class FigureForm(CycleBoundForm):
    bilingual_required = ("source",)

    class Meta:
        model = MigrationFigure
        fields = [
            "indicator",
            "label",
            "label_ar",
            "women",
            "men",
            "total",
            "source",
            "source_ar",
            "year",
        ]
        help_texts = {
            "total": _("Computed from women and men when both are known."),
            "label": _('Invented figures say so: write "fictitious data" here.'),
            "source": _("For example: RGPH 2014 (HCP), commune register, consular data."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["total"].required = False

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        this_year = timezone.localdate().year
        if year < 1950 or year > this_year:
            raise forms.ValidationError(
                _("Enter a year between %(first)s and %(last)s.")
                % {"first": 1950, "last": this_year}
            )
        return year

    def clean(self):
        data = super().clean()
        women, men, total = data.get("women"), data.get("men"), data.get("total")
        if women is not None and men is not None:
            if total is not None and total != women + men:
                self.add_error(
                    "total",
                    _("Women and men add up to %(sum)s: leave the total empty or correct it.")
                    % {"sum": women + men},
                )
            else:
                data["total"] = women + men
                self.instance.total = women + men
        elif total is None:
            if "total" not in self.errors:
                self.add_error("total", _("Give the total when women and men are not both known."))
        else:
            for sex in ("women", "men"):
                if data.get(sex) is not None and data[sex] > total:
                    self.add_error(sex, _("This cannot exceed the total."))
        return data


class SectorRecordForm(CycleBoundForm):
    """A finding or a project idea: a title in two languages, a description, a sector and the
    target groups it is about (``groups_field``), both offered by ``offer_references``."""

    groups_field = ""

    class Meta:
        formfield_callback = formfield
        fields = ["title", "title_ar", "description", "sector"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        offer_references(self, ("sector", self.groups_field))


class FindingForm(SectorRecordForm):
    groups_field = "groups"

    class Meta(SectorRecordForm.Meta):
        model = Finding
        fields = [
            *SectorRecordForm.Meta.fields,
            "description_ar",
            "groups",
            "severity",
            "women_view",
            "women_view_ar",
            "men_view",
            "men_view_ar",
            "sessions",
        ]
        labels = {"title": _("Need or problem")}
        widgets = {
            **TITLE_WIDGETS,
            "description": forms.Textarea(attrs={"rows": 3}),
            "description_ar": forms.Textarea(attrs={"rows": 3}),
            "groups": forms.CheckboxSelectMultiple,
            "sessions": forms.CheckboxSelectMultiple,
            "severity": forms.RadioSelect,
            "women_view": forms.Textarea(attrs={"rows": 2}),
            "women_view_ar": forms.Textarea(attrs={"rows": 2}),
            "men_view": forms.Textarea(attrs={"rows": 2}),
            "men_view_ar": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "women_view": _(
                "Fill in both when women and men did not say the same: "
                "that difference is the gender gap."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sessions"].queryset = ConsultationSession.objects.filter(
            cycle=self.cycle
        ).order_by("-date", "pk")
        self.fields["sessions"].label_from_instance = lambda s: (
            f"{date_format(s.date, 'SHORT_DATE_FORMAT')} - {s.display_title}"
        )
        self.fields["severity"].choices = Finding.Severity.choices


class IdeaForm(SectorRecordForm):
    findings = ModelMultipleChoiceField(
        label=_("Findings it answers"),
        queryset=Finding.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one finding this idea answers.")},
        help_text=_("An idea answers at least one finding of the diagnosis."),
    )

    groups_field = "target_groups"

    class Meta(SectorRecordForm.Meta):
        model = ProjectIdea
        fields = [
            *SectorRecordForm.Meta.fields,
            "target_groups",
            "beneficiaries_women",
            "beneficiaries_men",
            "proposed_by",
        ]
        widgets = {
            **TITLE_WIDGETS,
            "description": forms.Textarea(attrs={"rows": 4, "dir": "auto"}),
            "target_groups": forms.CheckboxSelectMultiple,
            "proposed_by": forms.TextInput(attrs={"dir": "auto"}),
        }

    field_order = [
        "title",
        "title_ar",
        "description",
        "findings",
        "sector",
        "target_groups",
        "beneficiaries_women",
        "beneficiaries_men",
        "proposed_by",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = self.instance
        self.fields["findings"].queryset = Finding.objects.filter(cycle=self.cycle).order_by(
            "number"
        )
        self.fields["findings"].label_from_instance = lambda f: f"{f.code} - {f.display_title}"
        if instance.pk:
            self.fields["findings"].initial = list(
                instance.finding_links.values_list("finding_id", flat=True)
            )
