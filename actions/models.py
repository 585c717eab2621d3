"""Steps 4 and 5: scoring and ranking of the ideas, the council's decision, the PAC actions.

The thread through steps 3-5 goes on here: ``ProjectIdea -> Score / IdeaDecision ->
ActionIdea -> PacAction``. Ideas are never changed by this app; it adds its own rows
pointing at them (``PROTECT``: an idea that was scored, decided or planned stays).

Money is in Moroccan dirhams (MAD), stored as decimals; totals are computed in the
database (``Sum`` in aggregates and subqueries), never typed.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, OuterRef, Prefetch, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from communes.bilingual import BilingualTitleMixin, bi_text
from communes.concurrency import VersionedModel
from communes.models import TimeStampedModel, TrackedModel, actor_field, cycle_field, not_negative
from communes.numbering import NumberedRecord
from communes.reference import ReferenceItem
from diagnostics.models import ConsultationSession, IdeaFinding, ProjectIdea, Sector, TargetGroup

PRIORITISATION_STEP = 4
INTEGRATION_STEP = 5
MAX_SCORE = 3


# --- Reference lists of the national strategies (editable in the admin) ---------------------


class SniaProgramme(ReferenceItem):
    """A programme of the national immigration and asylum strategy (SNIA, 2014)."""

    class Meta(ReferenceItem.Meta):
        verbose_name = _("SNIA programme")
        verbose_name_plural = _("SNIA programmes")


class SnmreObjective(ReferenceItem):
    """An objective of the national strategy for Moroccans living abroad (SNMRE, 2014)."""

    class Meta(ReferenceItem.Meta):
        verbose_name = _("SNMRE objective")
        verbose_name_plural = _("SNMRE objectives")


class FinancingSource(ReferenceItem):
    """A source of the financing plans, named by the same code as ``Financing.source``.

    A donor programme pays only within its own years (DOMAIN.md section 5: PRIM ran
    2020-2024): ``first_year``/``last_year`` say so; empty for sources without an end.
    """

    first_year = models.PositiveSmallIntegerField(
        _("first year of the programme"), null=True, blank=True
    )
    last_year = models.PositiveSmallIntegerField(
        _("last year of the programme"),
        null=True,
        blank=True,
        help_text=_("Money from this source pays only for costs of these years. Empty: no limit."),
    )

    class Meta(ReferenceItem.Meta):
        verbose_name = _("financing source")
        verbose_name_plural = _("financing sources")
        constraints = [
            models.CheckConstraint(
                condition=Q(first_year__isnull=True)
                | Q(last_year__isnull=True)
                | Q(last_year__gte=F("first_year")),
                name="actions_financingsource_last_after_first",
                violation_error_message=_("The last year cannot come before the first year."),
            ),
        ]

    @property
    def has_years(self) -> bool:
        return self.first_year is not None or self.last_year is not None

    def covers(self, year: int) -> bool:
        return (self.first_year or year) <= year <= (self.last_year or year)

    @property
    def period(self) -> str:
        return f"{self.first_year or '…'}-{self.last_year or '…'}"


def programme_overruns(costs: dict[int, Decimal], financing: dict[str, Decimal]) -> dict:
    """Sources whose money exceeds the costs of their programme's years (one query).

    ``costs`` maps a year to the action's cost, ``financing`` a source code to the amount
    the plan takes from it. Returns ``{code: (source, ceiling, planned)}``.
    """
    limited = FinancingSource.objects.filter(code__in=list(financing)).exclude(
        first_year__isnull=True, last_year__isnull=True
    )
    overruns = {}
    for source in limited:
        ceiling = sum((amount for year, amount in costs.items() if source.covers(year)), Decimal(0))
        if financing[source.code] > ceiling:
            overruns[source.code] = (source, ceiling, financing[source.code])
    return overruns


# --- Step 4: criteria, scores, opinion, deliberation, decisions ------------------------------


class CriterionKind(models.TextChoices):
    NEED = "need", _("Answers a need raised in the diagnosis")
    WOMEN = "women", _("Benefit for women and girls")
    MIGRANTS = "migrants", _("Benefit for migrants, MRE and returnees")
    COMPETENCE = "competence", _("Within the commune's competences")
    FEASIBILITY = "feasibility", _("Feasibility and cost")
    ALIGNMENT = "alignment", _("Alignment with SNIA and SNMRE")
    SUSTAINABILITY = "sustainability", _("Sustainability")


# Default weights in percent (they add up to 100); each cycle gets its own copy.
DEFAULT_WEIGHTS = {
    CriterionKind.NEED: 20,
    CriterionKind.WOMEN: 15,
    CriterionKind.MIGRANTS: 15,
    CriterionKind.COMPETENCE: 15,
    CriterionKind.FEASIBILITY: 15,
    CriterionKind.ALIGNMENT: 10,
    CriterionKind.SUSTAINABILITY: 10,
}

CRITERION_HELP = {
    CriterionKind.COMPETENCE: _("3 own competence, 2 shared, 1 transferred, 0 none."),
}


class Criterion(VersionedModel, TrackedModel):
    """A scoring criterion of one cycle, with its weight in percent."""

    cycle = cycle_field("criteria", on_delete=models.CASCADE)
    kind = models.CharField(_("criterion"), max_length=20, choices=CriterionKind.choices)
    weight = models.PositiveSmallIntegerField(_("weight (%)"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("scoring criterion")
        verbose_name_plural = _("scoring criteria")
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "kind"], name="actions_criterion_once_per_cycle"
            ),
            models.CheckConstraint(
                condition=Q(weight__gte=0, weight__lte=100),
                name="actions_criterion_weight_0_to_100",
                violation_error_message=_("A weight is between 0 and 100%."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.weight}%)"

    @property
    def help(self):
        return CRITERION_HELP.get(self.kind, "")


class Score(VersionedModel, TrackedModel):
    """How well one idea meets one criterion: 0 (not at all) to 3 (fully), with a reason."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    idea = models.ForeignKey(
        ProjectIdea, on_delete=models.PROTECT, related_name="scores", verbose_name=_("project idea")
    )
    criterion = models.ForeignKey(
        Criterion, on_delete=models.CASCADE, related_name="scores", verbose_name=_("criterion")
    )
    value = models.PositiveSmallIntegerField(_("score (0-3)"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(
                fields=["idea", "criterion"],
                name="actions_score_once_per_idea_criterion",
                violation_error_message=_("This idea already has a score for this criterion."),
            ),
            models.CheckConstraint(
                condition=Q(value__gte=0, value__lte=MAX_SCORE),
                name="actions_score_value_0_to_3",
                violation_error_message=_("A score is between 0 and 3."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.idea.code} / {self.criterion.kind}: {self.value}"


class IeecagOpinion(VersionedModel, TrackedModel):
    """The opinion of the IEECAG (equity, equal opportunities and gender body, art. 120)."""

    class Verdict(models.TextChoices):
        FAVOURABLE = "favourable", _("favourable")
        RESERVED = "reserved", _("favourable with reservations")
        UNFAVOURABLE = "unfavourable", _("unfavourable")
        # The council decides whatever the opinion, and without one once the time is over.
        NOT_GIVEN = "not_given", _("not given in the time allowed")

    cycle = cycle_field("ieecag_opinion", on_delete=models.CASCADE, one=True)
    date = models.DateField(
        _("date of the opinion"),
        help_text=_("When no opinion was given: the day the time allowed ran out."),
    )
    verdict = models.CharField(_("opinion"), max_length=12, choices=Verdict.choices)
    text = models.TextField(_("text of the opinion (French)"), blank=True)
    text_ar = models.TextField(_("text of the opinion (Arabic)"), blank=True)

    BILINGUAL_FIELDS = ("text",)

    class Meta:
        verbose_name = _("IEECAG opinion")
        verbose_name_plural = _("IEECAG opinions")

    def __str__(self) -> str:
        return f"{self.cycle}: {self.get_verdict_display()}"

    def clean(self):
        super().clean()
        if (
            self.verdict
            and self.verdict != self.Verdict.NOT_GIVEN
            and not (self.text.strip() or self.text_ar.strip())
        ):
            raise ValidationError({"text": _("Copy the text of the opinion.")})


class CouncilDeliberation(VersionedModel, TrackedModel):
    """The council's deliberation adopting the priorities (organic law 113-14, art. 78)."""

    class Session(models.TextChoices):
        ORDINARY = "ordinary", _("ordinary session")
        EXTRAORDINARY = "extraordinary", _("extraordinary session")

    cycle = cycle_field("council_deliberation", on_delete=models.CASCADE, one=True)
    session = models.CharField(_("session"), max_length=14, choices=Session.choices)
    session_name = models.CharField(
        _("name of the session (French)"),
        max_length=100,
        blank=True,
        help_text=_("For example: February session."),
    )
    session_name_ar = models.CharField(
        _("name of the session (Arabic)"), max_length=100, blank=True
    )
    date = models.DateField(_("date of the deliberation"))
    number = models.CharField(_("deliberation number"), max_length=40)
    decision = models.TextField(_("decision (French)"), blank=True)
    decision_ar = models.TextField(_("decision (Arabic)"), blank=True)

    BILINGUAL_FIELDS = ("session_name", "decision")

    class Meta:
        verbose_name = _("council deliberation")
        verbose_name_plural = _("council deliberations")

    def __str__(self) -> str:
        return f"{self.cycle}: {self.number}"

    # The opinion date to compare with when the opinion is saved in the same submission
    # (the decision page); otherwise the recorded opinion's date is read.
    opinion_date = None

    def clean(self):
        """The council deliberates after hearing the population and the IEECAG."""
        super().clean()
        if not (self.cycle_id and self.date):
            return
        errors = []
        opinion_date = self.opinion_date
        if opinion_date is None:
            opinion_date = (
                IeecagOpinion.objects.filter(cycle_id=self.cycle_id)
                .values_list("date", flat=True)
                .first()
            )
        if opinion_date and self.date <= opinion_date:
            errors.append(
                _("The deliberation comes after the IEECAG opinion (dated %(date)s).")
                % {"date": date_format(opinion_date, "SHORT_DATE_FORMAT")}
            )
        last = (
            ConsultationSession.objects.filter(cycle_id=self.cycle_id)
            .order_by("-date")
            .values_list("date", flat=True)
            .first()
        )
        if last and self.date <= last:
            errors.append(
                _("The deliberation comes after the consultations (the last one on %(date)s).")
                % {"date": date_format(last, "SHORT_DATE_FORMAT")}
            )
        if errors:
            raise ValidationError({"date": errors})


class IdeaDecision(VersionedModel, TrackedModel):
    """What the council decided for one idea; adopted ideas become PAC actions."""

    class Outcome(models.TextChoices):
        ADOPTED = "adopted", _("adopted")
        POSTPONED = "postponed", _("postponed")
        REJECTED = "rejected", _("rejected")

    idea = models.OneToOneField(
        ProjectIdea,
        on_delete=models.PROTECT,
        related_name="decision",
        verbose_name=_("project idea"),
    )
    outcome = models.CharField(_("decision"), max_length=10, choices=Outcome.choices)
    reason = models.TextField(_("reason (French)"), blank=True)
    reason_ar = models.TextField(_("reason (Arabic)"), blank=True)

    BILINGUAL_FIELDS = ("reason",)

    class Meta:
        verbose_name = _("decision on an idea")
        verbose_name_plural = _("decisions on ideas")
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome="adopted") | ~Q(reason="") | ~Q(reason_ar=""),
                name="actions_ideadecision_reason_unless_adopted",
                violation_error_message=_("Give the reason for rejecting or postponing an idea."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.idea.code}: {self.get_outcome_display()}"


# --- Step 5: PAC actions ---------------------------------------------------------------------


class Marker(models.IntegerChoices):
    NOT_TARGETED = 0, _("0 - not targeted")
    SIGNIFICANT = 1, _("1 - significant objective")
    PRINCIPAL = 2, _("2 - principal objective")


class PacActionQuerySet(models.QuerySet):
    def with_totals(self) -> PacActionQuerySet:
        """Cost and financing totals, each summed in its own subquery (no row multiplication)."""
        money = models.DecimalField(max_digits=16, decimal_places=2)
        cost = (
            ActionCost.objects.filter(action=OuterRef("pk"))
            .values("action")
            .annotate(total=Sum("amount"))
            .values("total")
        )
        financing = (
            Financing.objects.filter(action=OuterRef("pk"))
            .values("action")
            .annotate(total=Sum("amount"))
            .values("total")
        )
        return self.annotate(
            cost_total=Coalesce(Subquery(cost, output_field=money), Value(0), output_field=money),
            financing_total=Coalesce(
                Subquery(financing, output_field=money), Value(0), output_field=money
            ),
        )

    def for_list(self) -> PacActionQuerySet:
        """What a row of the PAC page shows: totals, sector, yearly costs (by year), milestones
        (by due date) and the thread - the ideas, their findings and the consultation sessions
        the findings came from. Queries: 1 + 2 + 3 (thread), whatever the number of actions."""
        thread = Prefetch(
            "idea_links",
            queryset=ActionIdea.objects.select_related("idea")
            .prefetch_related(
                Prefetch(
                    "idea__finding_links",
                    queryset=IdeaFinding.objects.select_related("finding")
                    .prefetch_related(
                        Prefetch(
                            "finding__sessions",
                            queryset=ConsultationSession.objects.order_by("date", "pk"),
                        )
                    )
                    .order_by("finding__number"),
                )
            )
            .order_by("idea__number"),
        )
        return (
            self.with_totals()
            .select_related("sector")
            .prefetch_related(
                Prefetch("costs", queryset=ActionCost.objects.order_by("year")),
                Prefetch("milestones", queryset=Milestone.objects.order_by("due_date", "pk")),
                thread,
            )
        )

    def for_sheet(self) -> PacActionQuerySet:
        """Every field of an action sheet, for its page, the annex and the dossier: ``for_list``
        + SNIA programmes, SNMRE objectives, target groups, financing lines (by source),
        indicators. Queries: 6 + 5 = 11, whatever the number of actions."""
        return self.for_list().prefetch_related(
            *PacAction.REFERENCE_LISTS,
            Prefetch("financing", queryset=Financing.objects.order_by("source", "pk")),
            Prefetch("indicators", queryset=Indicator.objects.order_by("pk")),
        )


class PacAction(BilingualTitleMixin, NumberedRecord, VersionedModel, TimeStampedModel):
    """A PAC action sheet (fiche projet), coming from one or more adopted ideas."""

    class Competence(models.TextChoices):
        OWN = "own", _("own competence")
        SHARED = "shared", _("shared competence (by convention)")
        TRANSFERRED = "transferred", _("transferred competence")

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        IN_PROGRESS = "in_progress", _("in progress")
        COMPLETED = "completed", _("completed")
        ABANDONED = "abandoned", _("abandoned")

    PREFIX = "A"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    cycle = cycle_field("pac_actions")
    ideas = models.ManyToManyField(
        ProjectIdea, through="ActionIdea", related_name="pac_actions", verbose_name=_("ideas")
    )
    axis = models.CharField(
        _("PAC axis (French)"),
        max_length=150,
        blank=True,
        help_text=_("The axis of the PAC this action belongs to."),
    )
    axis_ar = models.CharField(_("PAC axis (Arabic)"), max_length=150, blank=True)
    sector = models.ForeignKey(
        Sector, on_delete=models.PROTECT, related_name="pac_actions", verbose_name=_("sector")
    )
    competence = models.CharField(
        _("competence"), max_length=12, choices=Competence.choices, default=Competence.OWN
    )
    partner_convention = models.CharField(
        _("partner and convention (French)"),
        max_length=250,
        blank=True,
        help_text=_("Required when the action is not an own competence of the commune."),
    )
    partner_convention_ar = models.CharField(
        _("partner and convention (Arabic)"), max_length=250, blank=True
    )
    snia_programmes = models.ManyToManyField(
        SniaProgramme, related_name="pac_actions", verbose_name=_("SNIA programmes"), blank=True
    )
    snmre_objectives = models.ManyToManyField(
        SnmreObjective, related_name="pac_actions", verbose_name=_("SNMRE objectives"), blank=True
    )
    objectives = models.TextField(_("objectives (French)"), blank=True)
    objectives_ar = models.TextField(_("objectives (Arabic)"), blank=True)
    expected_results = models.TextField(_("expected results (French)"), blank=True)
    expected_results_ar = models.TextField(_("expected results (Arabic)"), blank=True)
    target_groups = models.ManyToManyField(
        TargetGroup, related_name="pac_actions", verbose_name=_("target groups"), blank=True
    )
    beneficiaries_women = models.PositiveIntegerField(
        _("beneficiaries: women"), null=True, blank=True
    )
    beneficiaries_men = models.PositiveIntegerField(_("beneficiaries: men"), null=True, blank=True)
    location = models.CharField(
        _("location (French)"), max_length=200, blank=True, help_text=_("Douar or neighbourhood.")
    )
    location_ar = models.CharField(_("location (Arabic)"), max_length=200, blank=True)
    partners = models.CharField(_("partners (French)"), max_length=250, blank=True)
    partners_ar = models.CharField(_("partners (Arabic)"), max_length=250, blank=True)
    lead_service = models.CharField(_("lead service (French)"), max_length=150, blank=True)
    lead_service_ar = models.CharField(_("lead service (Arabic)"), max_length=150, blank=True)
    start_date = models.DateField(_("start"), null=True, blank=True)
    end_date = models.DateField(_("end"), null=True, blank=True)
    gender_marker = models.PositiveSmallIntegerField(
        _("gender marker"), choices=Marker.choices, default=Marker.NOT_TARGETED
    )
    migration_marker = models.PositiveSmallIntegerField(
        _("migration marker"), choices=Marker.choices, default=Marker.NOT_TARGETED
    )
    status = models.CharField(
        _("implementation status"), max_length=12, choices=Status.choices, default=Status.PLANNED
    )
    status_reason = models.CharField(_("reason for abandoning"), max_length=250, blank=True)

    BILINGUAL_FIELDS = (
        "title",
        "axis",
        "objectives",
        "expected_results",
        "partner_convention",
        "partners",
        "lead_service",
        "location",
    )

    # The reference lists an action is filed under, each a many-to-many field above: the form
    # offers them as checkboxes, ``services.action_save`` saves them, ``for_sheet`` prefetches
    # them, the admin edits their items and the history keeps their changes, all from this tuple.
    # The national strategies' lists are drawn together (the form's "Strategies and markers",
    # the sheet's page), one after the other, from ``STRATEGY_LISTS``.
    STRATEGY_LISTS = ("snia_programmes", "snmre_objectives")
    REFERENCE_LISTS = (*STRATEGY_LISTS, "target_groups")

    objects = PacActionQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=REFERENCE_LISTS)

    class Meta:
        verbose_name = _("PAC action")
        verbose_name_plural = _("PAC actions")
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "number"], name="actions_pacaction_number_per_cycle"
            ),
            models.CheckConstraint(
                condition=Q(competence="own")
                | ~Q(partner_convention="")
                | ~Q(partner_convention_ar=""),
                name="actions_pacaction_partner_unless_own",
                violation_error_message=_(
                    "Name the partner and the convention of an action outside the commune's "
                    "own competences."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(status="abandoned") | ~Q(status_reason=""),
                name="actions_pacaction_reason_when_abandoned",
                violation_error_message=_("Say why the action was abandoned."),
            ),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(end_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="actions_pacaction_end_after_start",
                violation_error_message=_("The end cannot come before the start."),
            ),
            models.CheckConstraint(
                condition=Q(gender_marker__gte=0, gender_marker__lte=2)
                & Q(migration_marker__gte=0, migration_marker__lte=2),
                name="actions_pacaction_markers_0_to_2",
            ),
            not_negative(
                "actions_pacaction_beneficiaries_not_negative",
                optional=("beneficiaries_women", "beneficiaries_men"),
            ),
        ]
        indexes = [
            # The PAC page lists a cycle's actions by axis.
            models.Index(fields=["cycle", "axis", "number"], name="actions_pacaction_cycle_axis"),
        ]

    def strategy_lists(self) -> list[tuple[str, list]]:
        """Each national strategy's list: its label and the items chosen for this action."""
        return [
            (self._meta.get_field(name).verbose_name, list(getattr(self, name).all()))
            for name in self.STRATEGY_LISTS
        ]

    @property
    def beneficiaries_total(self) -> int | None:
        if self.beneficiaries_women is None and self.beneficiaries_men is None:
            return None
        return (self.beneficiaries_women or 0) + (self.beneficiaries_men or 0)


class ActionIdea(TrackedModel):
    """The link from an action to an adopted idea it comes from (merged ideas keep theirs)."""

    action = models.ForeignKey(
        PacAction, on_delete=models.CASCADE, related_name="idea_links", verbose_name=_("PAC action")
    )
    idea = models.OneToOneField(
        ProjectIdea,
        on_delete=models.PROTECT,
        related_name="action_link",
        verbose_name=_("project idea"),
    )

    class Meta:
        verbose_name = _("idea of an action")
        verbose_name_plural = _("ideas of actions")

    def __str__(self) -> str:
        return f"{self.action.code} <- {self.idea.code}"


class ActionCost(TrackedModel):
    """The cost of an action in one year of the PAC (MAD)."""

    action = models.ForeignKey(
        PacAction, on_delete=models.CASCADE, related_name="costs", verbose_name=_("PAC action")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    amount = models.DecimalField(_("amount (MAD)"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("yearly cost")
        verbose_name_plural = _("yearly costs")
        constraints = [
            models.UniqueConstraint(
                fields=["action", "year"],
                name="actions_actioncost_one_per_year",
                violation_error_message=_("This year already has a cost."),
            ),
            not_negative(
                "actions_actioncost_amount_not_negative",
                "amount",
                message=_("An amount cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.amount}"

    def clean(self):
        """A cost falls in a year of the PAC and of the action's own dates."""
        super().clean()
        action = getattr(self, "action", None)  # None when not attached yet
        if action is None or self.year is None:
            return
        cycle = action.cycle
        if not cycle.start_year <= self.year <= cycle.end_year:
            raise ValidationError(
                {
                    "year": _("%(year)s is outside the PAC %(period)s.")
                    % {"year": self.year, "period": cycle.period}
                }
            )
        first = action.start_date.year if action.start_date else None
        last = action.end_date.year if action.end_date else None
        if (first and self.year < first) or (last and self.year > last):
            raise ValidationError(
                {
                    "year": _("%(year)s is outside the action's dates (%(first)s-%(last)s).")
                    % {"year": self.year, "first": first or "…", "last": last or "…"}
                }
            )


class Financing(TrackedModel):
    """One line of an action's financing plan."""

    class Source(models.TextChoices):
        COMMUNE = "commune", _("commune budget")
        REGION = "region", _("region")
        STATE = "state", _("State / ministry")
        INDH = "indh", _("INDH")
        PRIM = "prim", _("PRIM / donor")
        MRE = "mre", _("MRE contribution")
        OTHER = "other", _("other")

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        COMMITTED = "committed", _("committed")
        RECEIVED = "received", _("received")

    action = models.ForeignKey(
        PacAction, on_delete=models.CASCADE, related_name="financing", verbose_name=_("PAC action")
    )
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    detail = models.CharField(
        _("precision (French)"),
        max_length=150,
        blank=True,
        help_text=_("Which ministry, donor, association..."),
    )
    detail_ar = models.CharField(_("precision (Arabic)"), max_length=150, blank=True)

    BILINGUAL_FIELDS = ("detail",)
    amount = models.DecimalField(_("amount (MAD)"), max_digits=14, decimal_places=2)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )

    class Meta:
        verbose_name = _("financing line")
        verbose_name_plural = _("financing lines")
        constraints = [
            not_negative(
                "actions_financing_amount_not_negative",
                "amount",
                message=_("An amount cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()}: {self.amount}"


class Indicator(TrackedModel):
    class Frequency(models.TextChoices):
        QUARTERLY = "quarterly", _("every quarter")
        HALF_YEARLY = "half_yearly", _("every six months")
        YEARLY = "yearly", _("every year")
        END = "end", _("at the end of the action")

    action = models.ForeignKey(
        PacAction, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("PAC action")
    )
    name = models.CharField(_("indicator (French)"), max_length=200, blank=True)
    name_ar = models.CharField(_("indicator (Arabic)"), max_length=200, blank=True)
    unit = models.CharField(_("unit (French)"), max_length=60, blank=True)
    unit_ar = models.CharField(_("unit (Arabic)"), max_length=60, blank=True)
    baseline = models.DecimalField(
        _("baseline"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    target = models.DecimalField(_("target"), max_digits=12, decimal_places=2)
    by_sex = models.BooleanField(_("by sex"), default=False)
    by_migrant_status = models.BooleanField(_("by migrant status"), default=False)
    source = models.CharField(_("source of the data (French)"), max_length=150, blank=True)
    source_ar = models.CharField(_("source of the data (Arabic)"), max_length=150, blank=True)
    frequency = models.CharField(
        _("frequency"), max_length=12, choices=Frequency.choices, default=Frequency.YEARLY
    )

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            not_negative(
                "actions_indicator_target_not_negative",
                "target",
                message=_("A target cannot be negative."),
            ),
            not_negative(
                "actions_indicator_baseline_not_negative",
                optional=("baseline",),
                message=_("A baseline cannot be negative."),
            ),
        ]

    BILINGUAL_FIELDS = ("name", "unit", "source")

    def __str__(self) -> str:
        return str(bi_text(self, "name"))

    # Units that mean "percent", as people type them in French, Arabic and English.
    PERCENT_UNITS = frozenset(
        {"%", "٪", "pourcent", "pourcentage", "percent", "percentage", "في المائة", "بالمائة"}
    )

    @property
    def is_percent(self) -> bool:
        for text in (self.unit, self.unit_ar):
            unit = " ".join((text or "").lower().split())
            if unit in self.PERCENT_UNITS or unit.startswith(("% ", "٪ ")):
                return True
        return False

    def clean(self):
        super().clean()
        errors = {}
        for name, message in (
            ("baseline", _("A baseline cannot be negative.")),
            ("target", _("A target cannot be negative.")),
        ):
            value = getattr(self, name)
            if value is None:
                continue
            if value < 0:
                errors[name] = message
            elif self.is_percent and value > 100:
                errors[name] = _("A percentage cannot exceed 100.")
        if errors:
            raise ValidationError(errors)


class Milestone(TrackedModel):
    """A step of the implementation; progress is the share of milestones done."""

    action = models.ForeignKey(
        PacAction, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("PAC action")
    )
    title = models.CharField(_("milestone"), max_length=200)
    due_date = models.DateField(_("planned for"), null=True, blank=True)
    done = models.BooleanField(_("done"), default=False)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self) -> str:
        return self.title

    def clean(self):
        super().clean()
        action = getattr(self, "action", None)  # None when not attached yet
        message = action.cycle.outside(self.due_date) if action is not None else None
        if message:
            raise ValidationError({"due_date": message})


# --- After step 5: the legal chain (deliberation, visa), the frozen annex, the follow-up ---------
#
# The step 4 ``CouncilDeliberation`` is the council's decision on the ideas (which priorities it
# retains). The PAC itself is adopted, then possibly updated, by deliberations of its own: the
# annex is attached to them, and they become enforceable with the governor's visa.


class PacDeliberation(VersionedModel, TrackedModel):
    """A council deliberation adopting the PAC, or updating it (law 113-14 art. 78, decree
    2-16-301): the record the annex is attached to."""

    class Kind(models.TextChoices):
        ADOPTION = "adoption", _("adoption of the PAC")
        UPDATE = "update", _("update of the PAC")

    class Session(models.TextChoices):
        FEBRUARY = "february", _("ordinary session of February")
        MAY = "may", _("ordinary session of May")
        OCTOBER = "october", _("ordinary session of October")
        EXTRAORDINARY = "extraordinary", _("extraordinary session")

    SESSION_MONTHS = {Session.FEBRUARY: 2, Session.MAY: 5, Session.OCTOBER: 10}

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    cycle = cycle_field("pac_deliberations")
    kind = models.CharField(_("deliberation"), max_length=10, choices=Kind.choices)
    session = models.CharField(_("session"), max_length=14, choices=Session.choices)
    date = models.DateField(_("date of the deliberation"))
    number = models.CharField(_("deliberation number"), max_length=40)
    members = models.PositiveSmallIntegerField(
        _("members of the council in office"),
        help_text=_("The number of seats filled on the day of the deliberation."),
    )
    present = models.PositiveSmallIntegerField(
        _("members present (quorum)"),
        help_text=_("Quorum: more than half of the members in office, at a first convocation."),
    )
    votes_for = models.PositiveSmallIntegerField(_("votes for"))
    votes_against = models.PositiveSmallIntegerField(_("votes against"), default=0)
    abstentions = models.PositiveSmallIntegerField(_("abstentions"), default=0)
    president = models.CharField(_("president of the council"), max_length=150)
    secretary = models.CharField(_("secretary of the council"), max_length=150)
    opinion_verdict = models.CharField(
        _("opinion of the IEECAG"), max_length=12, choices=IeecagOpinion.Verdict.choices
    )
    opinion_date = models.DateField(
        _("date of the IEECAG opinion"),
        help_text=_("When no opinion was given: the day the time allowed ran out."),
    )
    summary = models.TextField(_("what the council decided"), blank=True)

    class Meta:
        verbose_name = _("PAC deliberation")
        verbose_name_plural = _("PAC deliberations")
        constraints = [
            models.UniqueConstraint(
                fields=["cycle"],
                condition=Q(kind="adoption"),
                name="actions_pacdeliberation_one_adoption",
                violation_error_message=_("This PAC already has its adoption deliberation."),
            ),
            models.UniqueConstraint(
                fields=["cycle", "number"],
                name="actions_pacdeliberation_number_once",
                violation_error_message=_("A deliberation of this PAC already has this number."),
            ),
            models.CheckConstraint(
                condition=Q(present__lte=F("members")),
                name="actions_pacdeliberation_present_within_members",
                violation_error_message=_("More members present than members in office."),
            ),
            models.CheckConstraint(
                condition=Q(present__gte=F("votes_for") + F("votes_against") + F("abstentions")),
                name="actions_pacdeliberation_votes_within_present",
                violation_error_message=_("More votes than members present."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cycle}: {self.number}"

    @property
    def voters(self) -> int:
        return (self.votes_for or 0) + (self.votes_against or 0) + (self.abstentions or 0)

    def clean(self):
        """The facts of a deliberation hold together; each wrong one is said next to its field."""
        super().clean()
        errors: dict[str, list] = {}

        def add(field, message):
            errors.setdefault(field, []).append(message)

        cycle = self.cycle if self.cycle_id else None
        if self.members is not None and self.present is not None:
            if self.present > self.members:
                add("present", _("More members present than members in office."))
            if self.present is not None and self.voters > self.present:
                add(
                    "votes_for",
                    _("%(voters)s votes for %(present)s members present.")
                    % {"voters": self.voters, "present": self.present},
                )
        if self.votes_for is not None and self.voters and self.votes_for * 2 <= self.voters:
            add("votes_for", _("Without a majority of the votes cast, the council did not adopt."))
        if self.date and cycle is not None:
            if not cycle.start_year <= self.date.year <= cycle.end_year:
                add(
                    "date",
                    _("The deliberation falls within the PAC %(period)s.")
                    % {"period": cycle.period},
                )
            elif self.kind == self.Kind.UPDATE and self.date.year < cycle.start_year + 2:
                add(
                    "kind",
                    _("A PAC is updated from its third year (%(year)s) on.")
                    % {"year": cycle.start_year + 2},
                )
            month = self.SESSION_MONTHS.get(self.session)
            if month and self.date.month != month:
                add("session", _("This ordinary session is held in another month than the date's."))
            if self.kind == self.Kind.UPDATE:
                adoption = (
                    PacDeliberation.objects.filter(cycle=cycle, kind=self.Kind.ADOPTION)
                    .values_list("date", flat=True)
                    .first()
                )
                if adoption is None:
                    add("kind", _("Record the adoption of the PAC before its updates."))
                elif self.date <= adoption:
                    add(
                        "date",
                        _("An update comes after the adoption (%(date)s).")
                        % {"date": date_format(adoption, "SHORT_DATE_FORMAT")},
                    )
        if self.date and self.opinion_date and self.opinion_date >= self.date:
            add("opinion_date", _("The IEECAG gives its opinion before the deliberation."))
        if errors:
            raise ValidationError(errors)


class GovernorVisa(TrackedModel):
    """The governor's visa (تأشيرة العامل): the deliberation is enforceable from it on."""

    deliberation = models.OneToOneField(
        PacDeliberation,
        on_delete=models.CASCADE,
        related_name="visa",
        verbose_name=_("PAC deliberation"),
    )
    date = models.DateField(_("date of the visa"))
    reference = models.CharField(_("reference of the visa"), max_length=60)
    remarks = models.TextField(_("remarks"), blank=True)
    recorded_by = actor_field(_("recorded by"))

    class Meta:
        verbose_name = _("governor's visa")
        verbose_name_plural = _("governor's visas")

    def __str__(self) -> str:
        return self.reference

    def clean(self):
        super().clean()
        deliberation = getattr(self, "deliberation", None)
        if deliberation is not None and self.date and self.date < deliberation.date:
            raise ValidationError({"date": _("The visa comes after the deliberation.")})


class ActionChange(TrackedModel):
    """What a deliberation did to an action: the history of each action's legal life."""

    class Change(models.TextChoices):
        ADOPTED = "adopted", _("adopted with the PAC")
        ADDED = "added", _("added by an update")
        CHANGED = "changed", _("changed by an update")
        DROPPED = "dropped", _("dropped by an update")

    action = models.ForeignKey(
        PacAction, on_delete=models.CASCADE, related_name="changes", verbose_name=_("PAC action")
    )
    deliberation = models.ForeignKey(
        PacDeliberation,
        on_delete=models.CASCADE,
        related_name="changes",
        verbose_name=_("PAC deliberation"),
    )
    change = models.CharField(_("change"), max_length=8, choices=Change.choices)

    class Meta:
        verbose_name = _("change of an action")
        verbose_name_plural = _("changes of actions")
        constraints = [
            models.UniqueConstraint(
                fields=["action", "deliberation"], name="actions_actionchange_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action.code}: {self.change}"


class AnnexFreeze(TrackedModel):
    """The annex as the council signed it: two PDFs stored once, never rebuilt or overwritten."""

    class State(models.TextChoices):
        FREEZING = "freezing", _("being frozen")
        FROZEN = "frozen", _("frozen")
        FAILED = "failed", _("failed, retried at the next visit")

    deliberation = models.OneToOneField(
        PacDeliberation,
        on_delete=models.PROTECT,
        related_name="freeze",
        verbose_name=_("PAC deliberation"),
    )
    state = models.CharField(
        _("state"), max_length=8, choices=State.choices, default=State.FREEZING
    )
    frozen_by = actor_field(_("frozen by"))
    fr_name = models.CharField(_("French file"), max_length=200, blank=True)
    fr_sha256 = models.CharField(_("SHA-256 of the French file"), max_length=64, blank=True)
    ar_name = models.CharField(_("Arabic file"), max_length=200, blank=True)
    ar_sha256 = models.CharField(_("SHA-256 of the Arabic file"), max_length=64, blank=True)
    frozen_at = models.DateTimeField(_("frozen at"), null=True, blank=True)

    class Meta:
        verbose_name = _("frozen annex")
        verbose_name_plural = _("frozen annexes")

    def __str__(self) -> str:
        return f"{self.deliberation}: {self.state}"

    def file(self, language: str) -> tuple[str, str]:
        return getattr(self, f"{language}_name"), getattr(self, f"{language}_sha256")


# --- Follow-up of the adopted actions, year by year ---------------------------------------------


class ActionYear(VersionedModel, TimeStampedModel):
    """What became of one adopted action in one year: recorded while the plan stays locked."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        IN_PROGRESS = "in_progress", _("in progress")
        COMPLETED = "completed", _("completed")
        SUSPENDED = "suspended", _("suspended")
        DROPPED = "dropped", _("dropped")

    action = models.ForeignKey(
        PacAction, on_delete=models.PROTECT, related_name="years", verbose_name=_("PAC action")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PLANNED
    )
    reason = models.CharField(_("reason"), max_length=250, blank=True)
    milestones_done = models.ManyToManyField(
        Milestone, related_name="done_in", verbose_name=_("milestones done this year"), blank=True
    )
    note = models.TextField(_("note"), blank=True)

    history = HistoricalRecords(m2m_fields=[milestones_done])

    class Meta:
        verbose_name = _("yearly follow-up of an action")
        verbose_name_plural = _("yearly follow-ups of actions")
        constraints = [
            models.UniqueConstraint(
                fields=["action", "year"],
                name="actions_actionyear_once",
                violation_error_message=_("This year is already recorded for this action."),
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["dropped", "suspended"]) | ~Q(reason=""),
                name="actions_actionyear_reason_when_stopped",
                violation_error_message=_("Say why the action was suspended or dropped."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action.code} {self.year}"


class ActionYearMoney(TrackedModel):
    """Money committed and paid in the year, for one source of the financing plan (MAD)."""

    record = models.ForeignKey(
        ActionYear, on_delete=models.CASCADE, related_name="money", verbose_name=_("follow-up")
    )
    source = models.CharField(_("source"), max_length=10, choices=Financing.Source.choices)
    committed = models.DecimalField(
        _("committed (MAD)"), max_digits=14, decimal_places=2, default=0
    )
    paid = models.DecimalField(_("paid (MAD)"), max_digits=14, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("money of the year")
        verbose_name_plural = _("money of the years")
        constraints = [
            models.UniqueConstraint(fields=["record", "source"], name="actions_yearmoney_once"),
            not_negative(
                "actions_yearmoney_not_negative",
                "committed",
                "paid",
                message=_("An amount cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(paid__lte=F("committed")),
                name="actions_yearmoney_paid_within_committed",
                violation_error_message=_("More paid than committed."),
            ),
        ]


class IndicatorMeasure(TrackedModel):
    """An indicator's value measured in the year; by sex and migrant status when it asks."""

    record = models.ForeignKey(
        ActionYear, on_delete=models.CASCADE, related_name="measures", verbose_name=_("follow-up")
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="measures", verbose_name=_("indicator")
    )
    value = models.DecimalField(_("measured value"), max_digits=12, decimal_places=2)
    women = models.DecimalField(
        _("of which women"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    men = models.DecimalField(
        _("of which men"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    migrants = models.DecimalField(
        _("of which migrants"), max_digits=12, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("measure of an indicator")
        verbose_name_plural = _("measures of indicators")
        constraints = [
            models.UniqueConstraint(
                fields=["record", "indicator"], name="actions_indicatormeasure_once"
            ),
            not_negative(
                "actions_indicatormeasure_not_negative",
                "value",
                optional=("women", "men", "migrants"),
                message=_("A measure cannot be negative."),
            ),
        ]
