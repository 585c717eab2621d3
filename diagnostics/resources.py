"""Spreadsheet round-trip of step 3: findings and project ideas (``communes.sheets``)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import widgets

from communes.sheets import (
    ChoiceWidget,
    Column,
    CycleResource,
    IntegerWidget,
    ReferenceListWidget,
    ReferenceWidget,
    TextWidget,
    register,
)

from .models import STEP, Finding, IdeaFinding, ProjectIdea, Sector, TargetGroup

TITLE_HELP = gettext_lazy("Required, in French.")


class TitledResource(CycleResource):
    """A finding or an idea: a title in two languages, a description, a sector."""

    STEP = STEP

    title = Column(
        attribute="title",
        column_name="title",
        widget=TextWidget(),
        help=TITLE_HELP,
        required=True,
    )
    title_ar = Column(
        attribute="title_ar",
        column_name="title_ar",
        widget=TextWidget(),
        help=gettext_lazy("Optional."),
    )
    description = Column(
        attribute="description",
        column_name="description",
        widget=TextWidget(),
        help=gettext_lazy("Optional."),
    )
    sector = Column(
        attribute="sector",
        column_name="sector",
        widget=ReferenceWidget(Sector),
        label=gettext_lazy("Sector"),
        help=gettext_lazy("A sector, by its code or its French or Arabic name."),
        required=True,
    )


class FindingResource(TitledResource):
    groups = Column(
        attribute="groups",
        column_name="groups",
        widget=ReferenceListWidget(TargetGroup),
        label=gettext_lazy("Groups concerned"),
        help=gettext_lazy("Target groups separated by “;”, by code or name. Optional."),
    )
    severity = Column(
        attribute="severity",
        column_name="severity",
        widget=ChoiceWidget(Finding.Severity.choices),
        label=gettext_lazy("Severity"),
        help=gettext_lazy("1, 2 or 3."),
        required=True,
    )
    women_view = Column(
        attribute="women_view",
        column_name="women_view",
        widget=TextWidget(),
        help=gettext_lazy("Optional."),
    )
    men_view = Column(
        attribute="men_view",
        column_name="men_view",
        widget=TextWidget(),
        help=gettext_lazy("Optional."),
    )

    class Meta(TitledResource.Meta):
        model = Finding
        fields = (
            "code",
            "commune",
            "title",
            "title_ar",
            "description",
            "sector",
            "groups",
            "severity",
            "women_view",
            "men_view",
        )

    def get_queryset(self):
        return (
            Finding.objects.filter(cycle=self.cycle)
            .select_related("sector")
            .prefetch_related("groups")
            .order_by("number")
        )


class FindingCodesWidget(widgets.ManyToManyWidget):
    """The findings an idea answers, by code ("F-01; F-03"), in the idea's PAC."""

    def __init__(self):
        super().__init__(Finding, field="number")
        self.cycle = None
        self._by_number = None

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            raise ValueError(_("Write the code of at least one finding this idea answers."))
        if self._by_number is None:
            self._by_number = {f.number: f for f in Finding.objects.filter(cycle=self.cycle)}
        found = []
        for part in str(value).replace("؛", ";").replace(",", ";").split(";"):
            code = part.strip().upper()
            if not code:
                continue
            number = code.removeprefix("F").lstrip("-").lstrip("0") or "0"
            finding = self._by_number.get(int(number)) if number.isdigit() else None
            if finding is None:
                raise ValueError(
                    _("No finding has the code “%(code)s” in this PAC.") % {"code": code}
                )
            found.append(finding)
        return found

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return "; ".join(f.code for f in sorted(value.all(), key=lambda f: f.number))


class IdeaResource(TitledResource):
    findings = Column(
        attribute="findings",
        column_name="findings",
        widget=FindingCodesWidget(),
        label=gettext_lazy("Findings it answers"),
        help=gettext_lazy("Codes of findings of this PAC separated by “;” (F-01; F-03)."),
        required=True,
    )
    target_groups = Column(
        attribute="target_groups",
        column_name="target_groups",
        widget=ReferenceListWidget(TargetGroup),
        label=gettext_lazy("Target groups"),
        help=gettext_lazy("Target groups separated by “;”, by code or name. Optional."),
    )
    beneficiaries_women = Column(
        attribute="beneficiaries_women",
        column_name="beneficiaries_women",
        widget=IntegerWidget(),
        help=gettext_lazy("A whole number. Optional."),
    )
    beneficiaries_men = Column(
        attribute="beneficiaries_men",
        column_name="beneficiaries_men",
        widget=IntegerWidget(),
        help=gettext_lazy("A whole number. Optional."),
    )
    proposed_by = Column(
        attribute="proposed_by",
        column_name="proposed_by",
        widget=TextWidget(),
        help=gettext_lazy("Optional."),
    )

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

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.fields["findings"].widget = FindingCodesWidget()
        self.fields["findings"].widget.cycle = self.cycle

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


def register_sheets() -> None:
    register(
        "findings",
        FindingResource,
        title=gettext_lazy("Findings"),
        list_url="diagnosis_findings",
    )
    register(
        "ideas",
        IdeaResource,
        title=gettext_lazy("Project ideas"),
        list_url="diagnosis_ideas",
    )
