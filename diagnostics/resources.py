"""Spreadsheet round-trip of step 3: consultation sessions with their participants, findings
and project ideas (``communes.sheets``)."""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communes.resources import (
    ChoiceListWidget,
    CountColumns,
    SheetResource,
    UuidCodeResource,
    required_choice,
    required_date,
    whole_number,
)
from communes.sheets import (
    ChoiceWidget,
    CodeListWidget,
    Column,
    CycleResource,
    ReferenceListWidget,
    ReferenceWidget,
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


def sector_column() -> Column:
    """The sector of a finding, an idea or an action."""
    return column(
        "sector",
        ReferenceWidget(Sector),
        label=gettext_lazy("Sector"),
        help=gettext_lazy("A sector, by its code or its French or Arabic name."),
        required=True,
    )


def groups_column(name: str, label) -> Column:
    return column(
        name,
        ReferenceListWidget(TargetGroup),
        label=label,
        help=gettext_lazy("Target groups separated by “;”, by code or name. Optional."),
    )


class TitledResource(SheetResource):
    """A finding or an idea: a title in two languages and a description. The columns come in
    the order declared (``SheetResource``): each sheet declares its sector where it has it."""

    STEP = STEP

    title = required_text("title", help=TITLE_HELP)
    title_ar = optional_text("title_ar")
    description = optional_text("description")


class FindingResource(TitledResource):
    # The "_ar" columns are the Arabic twins (communes.bilingual): what the Arabic annex prints.
    description_ar = optional_text("description_ar")
    sector = sector_column()
    groups = groups_column("groups", gettext_lazy("Groups concerned"))
    severity = column(
        "severity",
        ChoiceWidget(Finding.Severity.choices),
        label=gettext_lazy("Severity"),
        help=gettext_lazy("1, 2 or 3."),
        required=True,
    )
    women_view = optional_text("women_view")
    women_view_ar = optional_text("women_view_ar")
    men_view = optional_text("men_view")
    men_view_ar = optional_text("men_view_ar")

    class Meta(TitledResource.Meta):
        model = Finding

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
    sector = sector_column()
    findings = column(
        "findings",
        FindingCodesWidget(),
        label=gettext_lazy("Findings it answers"),
        help=gettext_lazy("Codes of findings of this PAC separated by “;” (F-01; F-03)."),
        required=True,
    )
    target_groups = groups_column("target_groups", gettext_lazy("Target groups"))
    beneficiaries_women = whole_number("beneficiaries_women")
    beneficiaries_men = whole_number("beneficiaries_men")
    proposed_by = optional_text("proposed_by")

    class Meta(TitledResource.Meta):
        model = ProjectIdea

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


class ConsultationResource(CountColumns, UuidCodeResource):
    """Consultation sessions with their participants: women and men a group of the grid
    (all ages). Sessions counted by age band export their totals and keep their grid: their
    counts are edited on the session's page."""

    STEP = STEP

    title = required_text("title", help=TITLE_HELP)
    title_ar = optional_text("title_ar")
    kind = required_choice("kind", ConsultationSession.Kind.choices)
    date = required_date("date")
    place = required_text("place")
    facilitator = optional_text("facilitator")
    languages = column(
        "languages",
        ChoiceListWidget(ConsultationSession.Language.choices),
        help=gettext_lazy("Languages separated by “;”. Optional."),
    )
    notes = optional_text("notes")

    class Meta(CycleResource.Meta):
        model = ConsultationSession

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # A group's name is read in the language of the moment (``count_label``).
        self.groups = {g.code: g for g in TargetGroup.objects.filter(in_consultation_grid=True)}
        self.add_count_columns(
            self.groups.items(), help=gettext_lazy("How many took part; empty: none.")
        )

    def get_queryset(self):
        return (
            ConsultationSession.objects.filter(cycle=self.cycle)
            .prefetch_related("participations__group")
            .order_by("date", "pk")
        )

    def count_lines(self, session):
        # Sessions counted by age band have a line a group and band: the sheet shows the sums.
        return ((line.group.code, line) for line in session.participations.all())

    def lines_to_edit(self, session) -> dict:
        return {key: line for key, line in self.count_lines(session) if not line.age_band}

    def new_count_line(self, session, key):
        return Participation(session=session, group=self.groups[key])

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

    def save_m2m(self, instance, row, **kwargs):
        if not instance.by_age_band:
            super().save_m2m(instance, row, **kwargs)


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
