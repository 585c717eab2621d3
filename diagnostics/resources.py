"""Spreadsheet round-trip of step 3: consultation sessions with their participants, findings
and project ideas (``communes.sheets``)."""

from __future__ import annotations

from collections import defaultdict

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communes.resources import UuidCodeResource
from communes.sheets import (
    ChoiceWidget,
    CodeListWidget,
    Column,
    CycleResource,
    DateWidget,
    IntegerWidget,
    ReferenceListWidget,
    ReferenceWidget,
    TextWidget,
    column,
    optional_text,
    register,
    required_text,
)

from .models import (
    STEP,
    ConsultationSession,
    Finding,
    IdeaFinding,
    Participation,
    ProjectIdea,
    Sector,
    TargetGroup,
)

OPTIONAL = gettext_lazy("Optional.")

TITLE_HELP = gettext_lazy("Required, in French.")


class TitledResource(CycleResource):
    """A finding or an idea: a title in two languages, a description, a sector."""

    STEP = STEP

    title = column(
        "title",
        TextWidget(),
        help=TITLE_HELP,
        required=True,
    )
    title_ar = optional_text("title_ar")
    description = optional_text("description")
    sector = column(
        "sector",
        ReferenceWidget(Sector),
        label=gettext_lazy("Sector"),
        help=gettext_lazy("A sector, by its code or its French or Arabic name."),
        required=True,
    )


class FindingResource(TitledResource):
    groups = column(
        "groups",
        ReferenceListWidget(TargetGroup),
        label=gettext_lazy("Groups concerned"),
        help=gettext_lazy("Target groups separated by “;”, by code or name. Optional."),
    )
    severity = column(
        "severity",
        ChoiceWidget(Finding.Severity.choices),
        label=gettext_lazy("Severity"),
        help=gettext_lazy("1, 2 or 3."),
        required=True,
    )
    women_view = optional_text("women_view")
    men_view = optional_text("men_view")
    # The Arabic twins (communes.bilingual): what the Arabic annex prints.
    description_ar = optional_text("description_ar")
    women_view_ar = optional_text("women_view_ar")
    men_view_ar = optional_text("men_view_ar")

    class Meta(TitledResource.Meta):
        model = Finding
        fields = (
            "code",
            "commune",
            "title",
            "title_ar",
            "description",
            "description_ar",
            "sector",
            "groups",
            "severity",
            "women_view",
            "women_view_ar",
            "men_view",
            "men_view_ar",
        )

    def get_queryset(self):
        return (
            Finding.objects.filter(cycle=self.cycle)
            .select_related("sector")
            .prefetch_related("groups")
            .order_by("number")
        )


class FindingCodesWidget(CodeListWidget):
    """The findings an idea answers, by code ("F-01; F-03"), in the idea's PAC."""

    EMPTY = gettext_lazy("Write the code of at least one finding this idea answers.")
    UNKNOWN = gettext_lazy("No finding has the code “%(code)s” in this PAC.")

    def __init__(self, cycle=None):
        super().__init__(Finding, cycle)


class IdeaResource(TitledResource):
    findings = column(
        "findings",
        FindingCodesWidget(),
        label=gettext_lazy("Findings it answers"),
        help=gettext_lazy("Codes of findings of this PAC separated by “;” (F-01; F-03)."),
        required=True,
    )
    target_groups = column(
        "target_groups",
        ReferenceListWidget(TargetGroup),
        label=gettext_lazy("Target groups"),
        help=gettext_lazy("Target groups separated by “;”, by code or name. Optional."),
    )
    beneficiaries_women = column(
        "beneficiaries_women",
        IntegerWidget(),
        help=gettext_lazy("A whole number. Optional."),
    )
    beneficiaries_men = column(
        "beneficiaries_men",
        IntegerWidget(),
        help=gettext_lazy("A whole number. Optional."),
    )
    proposed_by = optional_text("proposed_by")

    class Meta(TitledResource.Meta):
        model = ProjectIdea
        fields = (
            "code",
            "commune",
            "title",
            "title_ar",
            "description",
            "sector",
            "findings",
            "target_groups",
            "beneficiaries_women",
            "beneficiaries_men",
            "proposed_by",
        )

    def get_queryset(self):
        return (
            ProjectIdea.objects.filter(cycle=self.cycle)
            .select_related("sector")
            .prefetch_related("findings", "target_groups")
            .order_by("number")
        )

    def save_m2m(self, instance, row, **kwargs):
        if self._dry(kwargs):
            return
        if "target_groups" in row:  # a column left out of the file keeps what is stored
            instance.target_groups.set(self.fields["target_groups"].clean(row))
        wanted = {f.pk for f in self.fields["findings"].clean(row)}
        for link in instance.finding_links.all():
            if link.finding_id not in wanted:
                link._history_user = self.user
                link.delete()
            else:
                wanted.discard(link.finding_id)
        for finding_id in sorted(wanted):
            link = IdeaFinding(idea=instance, finding_id=finding_id)
            link._history_user = self.user
            link.save()


class LanguagesWidget(ChoiceWidget):
    """Several languages in one cell, separated by ";"."""

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return []
        found = []
        for part in str(value).replace("؛", ";").split(";"):
            if part.strip():
                found.append(super().clean(part.strip()))
        return found

    def render(self, value, obj=None, **kwargs):
        labels = dict(self.choices)
        return "; ".join(str(labels.get(code, code)) for code in value or [])


def _people_label(group, sex):
    def text():
        if sex == "women":
            return _("%(category)s: women") % {"category": group.name}
        return _("%(category)s: men") % {"category": group.name}

    return lazy(text, str)()


class ConsultationResource(UuidCodeResource):
    """Consultation sessions with their participants: women and men a group of the grid
    (all ages). Sessions counted by age band export their totals and keep their grid: their
    counts are edited on the session's page."""

    STEP = STEP

    title = column("title", TextWidget(), help=TITLE_HELP, required=True)
    title_ar = optional_text("title_ar")
    kind = column(
        "kind",
        ChoiceWidget(ConsultationSession.Kind.choices),
        help=gettext_lazy("See the allowed values."),
        required=True,
    )
    date = column(
        "date",
        DateWidget(),
        help=gettext_lazy("A date (14/03/2025)."),
        required=True,
    )
    place = required_text("place")
    facilitator = optional_text("facilitator")
    languages = column(
        "languages",
        LanguagesWidget(ConsultationSession.Language.choices),
        help=gettext_lazy("Languages separated by “;”. Optional."),
    )
    notes = optional_text("notes")

    class Meta(CycleResource.Meta):
        model = ConsultationSession
        fields = (
            "code",
            "commune",
            "title",
            "title_ar",
            "kind",
            "date",
            "place",
            "facilitator",
            "languages",
            "notes",
        )

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.groups = list(TargetGroup.objects.filter(in_consultation_grid=True))
        for group in self.groups:
            for sex in ("women", "men"):
                key = f"{sex}_{group.code}"
                self.fields[key] = Column(
                    column_name=key,
                    widget=IntegerWidget(),
                    label=_people_label(group, sex),
                    help=gettext_lazy("How many took part; empty: none."),
                )

    def get_queryset(self):
        return (
            ConsultationSession.objects.filter(cycle=self.cycle)
            .prefetch_related("participations__group")
            .order_by("date", "pk")
        )

    def _is_count(self, key) -> bool:
        return key.startswith(("women_", "men_")) and key in self.fields

    @staticmethod
    def _counts(session) -> dict[str, int]:
        if session.pk is None:
            return {}
        counts = defaultdict(int)
        for row in session.participations.all():
            counts[f"women_{row.group.code}"] += row.women
            counts[f"men_{row.group.code}"] += row.men
        return {k: v for k, v in counts.items() if v}

    def export_field(self, field, instance, **kwargs):
        if self._is_count(field.column_name):
            return self._counts(instance).get(field.column_name)
        return super().export_field(field, instance, **kwargs)

    def _wanted(self, row) -> dict[str, int] | None:
        keys = [k for k in row if self._is_count(k)]
        if not keys:
            return None
        return {k: v for k in keys if (v := self.fields[k].clean(row))}

    def extra_columns(self, row) -> list[str]:
        return [k for k in row if self._is_count(k)]

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = dict(error.error_dict)
        if not errors and instance.by_age_band:
            wanted = self._wanted(row)
            if wanted is not None and wanted != self._counts(instance):
                errors[NON_FIELD_ERRORS] = [
                    _(
                        "This session counts its participants by age band: change its "
                        "counts on the session's page."
                    )
                ]
        if errors:
            raise ValidationError(errors)

    def extras_changed(self, original, row) -> bool:
        wanted = self._wanted(row)
        return wanted is not None and wanted != self._counts(original)

    def save_m2m(self, instance, row, **kwargs):
        if self._dry(kwargs) or instance.by_age_band:
            return
        wanted = self._wanted(row)
        if wanted is None:
            return
        stored = {p.group_id: p for p in instance.participations.all() if not p.age_band}
        for group in self.groups:
            women = wanted.get(f"women_{group.code}", 0)
            men = wanted.get(f"men_{group.code}", 0)
            line = stored.get(group.pk)
            if not women and not men:
                if line is not None:
                    line._history_user = self.user
                    line.delete()
                continue
            if line is None:
                line = Participation(session=instance, group=group)
            if line.pk is None or (line.women, line.men) != (women, men):
                line.women, line.men = women, men
                line._history_user = self.user
                line.save()


def register_sheets() -> None:
    for kind, resource, title, list_url in (
        (
            "consultations",
            ConsultationResource,
            gettext_lazy("Consultation sessions"),
            "diagnostics:sessions",
        ),
        ("findings", FindingResource, gettext_lazy("Findings"), "diagnostics:findings"),
        ("ideas", IdeaResource, gettext_lazy("Project ideas"), "diagnostics:ideas"),
    ):
        register(kind, resource, title=title, list_url=list_url)
