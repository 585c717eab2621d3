"""Step 3, the participatory diagnosis: who was heard, what they said, what it leads to.

The thread through steps 3-5 starts here: ``ConsultationSession -> Finding -> ProjectIdea``.
Participation is stored as counted at the session (a later change to someone's
status never rewrites it); totals and shares are derived, never typed.
"""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from communes.bilingual import BilingualTitleMixin
from communes.concurrency import VersionedModel
from communes.models import TimeStampedModel, TrackedModel, WomenAndMen, cycle_field, not_negative
from communes.numbering import NumberedRecord
from communes.numbers import listing
from communes.reference import ReferenceItem

STEP = 3


# --- Reference lists (editable by national administrators; the actions app reuses them) ---


class Sector(ReferenceItem):
    """Sectors of needs and actions (SNIA programmes and commune competences)."""

    class Meta(ReferenceItem.Meta):
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")


class TargetGroup(ReferenceItem):
    """Groups named by the programme, heard in consultations and targeted by ideas."""

    is_migrant = models.BooleanField(
        _("migrant group"),
        default=False,
        help_text=_(
            "Counts for the share of migrant participants and for the checklist item "
            "'at least one migrant group heard'."
        ),
    )
    in_consultation_grid = models.BooleanField(
        _("row of the participants grid"),
        default=True,
        help_text=_("Shown as a row of the consultation sessions' participants grid."),
    )

    class Meta(ReferenceItem.Meta):
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")


# --- Records of a cycle ---


class ConsultationSession(BilingualTitleMixin, VersionedModel, TrackedModel):
    class Kind(models.TextChoices):
        WORKSHOP = "workshop", _("workshop")
        FOCUS_GROUP = "focus_group", _("focus group")
        INTERVIEW = "interview", _("individual interview")
        SURVEY = "survey", _("survey")
        PUBLIC_MEETING = "public_meeting", _("public meeting")

    class Language(models.TextChoices):
        DARIJA = "darija", _("Darija")
        AMAZIGH = "amazigh", _("Amazigh")
        ARABIC = "arabic", _("Standard Arabic")
        FRENCH = "french", _("French")
        SPANISH = "spanish", _("Spanish")
        ENGLISH = "english", _("English")
        OTHER = "other", _("other language")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    cycle = cycle_field("consultation_sessions")
    kind = models.CharField(_("type"), max_length=16, choices=Kind.choices)
    date = models.DateField(_("date"))
    place = models.CharField(
        _("place"), max_length=150, help_text=_("Douar or neighbourhood where it was held.")
    )
    facilitator = models.CharField(_("facilitator"), max_length=150, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    by_age_band = models.BooleanField(_("participants counted by age band"), default=False)
    notes = models.TextField(_("what was said"), blank=True)

    BILINGUAL_FIELDS = ("title",)

    class Meta:
        verbose_name = _("consultation session")
        verbose_name_plural = _("consultation sessions")
        indexes = [
            # The session list of a cycle, newest first.
            models.Index(fields=["cycle", "-date"], name="diagnostics_session_cycle_date"),
        ]

    def clean(self):
        super().clean()
        message = self.cycle.outside(self.date) if self.cycle_id else None
        if message:
            raise ValidationError({"date": message})

    def get_languages_display(self) -> str:
        labels = dict(self.Language.choices)
        return listing(labels.get(code, code) for code in self.languages or [])


class AgeBand(models.TextChoices):
    ALL = "", _("all ages")
    UNDER_18 = "u18", _("under 18")
    FROM_18_TO_35 = "18_35", _("18-35")
    FROM_36_TO_60 = "36_60", _("36-60")
    OVER_60 = "o60", _("over 60")


class Participation(WomenAndMen):
    """Women and men of one group (and age band) at one session, as counted that day."""

    session = models.ForeignKey(
        ConsultationSession,
        on_delete=models.CASCADE,
        related_name="participations",
        verbose_name=_("consultation session"),
    )
    group = models.ForeignKey(
        TargetGroup, on_delete=models.PROTECT, related_name="+", verbose_name=_("group")
    )
    age_band = models.CharField(
        _("age band"), max_length=8, choices=AgeBand.choices, default=AgeBand.ALL, blank=True
    )

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [
            *WomenAndMen.Meta.constraints,
            models.UniqueConstraint(
                fields=["session", "group", "age_band"],
                name="diagnostics_participation_one_per_group_band",
                violation_error_message=_("This group and age band are already counted."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group}: {self.women} / {self.men}"


class MigrationFigure(VersionedModel, TrackedModel):
    """One figure of the commune's migration profile, with its source and year."""

    class Indicator(models.TextChoices):
        MRE_HOUSEHOLDS = "mre_households", _("households with MRE members")
        MRE = "mre", _("Moroccans living abroad (MRE) from the commune")
        RETURNEES = "returnees", _("returning MRE")
        IMMIGRANTS = "immigrants", _("immigrants (third-country nationals)")
        TRANSIT = "transit", _("migrants in transit")
        REFUGEES = "refugees", _("refugees and asylum seekers")
        SEASONAL = "seasonal", _("seasonal workers from outside the commune")
        OTHER = "other", _("other figure")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    cycle = cycle_field("migration_figures")
    indicator = models.CharField(_("indicator"), max_length=20, choices=Indicator.choices)
    label = models.CharField(
        _("precision (French)"),
        max_length=150,
        blank=True,
        help_text=_("What exactly is counted."),
    )
    label_ar = models.CharField(_("precision (Arabic)"), max_length=150, blank=True)
    total = models.PositiveIntegerField(_("total"))
    women = models.PositiveIntegerField(_("women"), null=True, blank=True)
    men = models.PositiveIntegerField(_("men"), null=True, blank=True)
    source = models.CharField(_("source (French)"), max_length=200, blank=True)
    source_ar = models.CharField(_("source (Arabic)"), max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(_("year"))

    BILINGUAL_FIELDS = ("label", "source")

    class Meta:
        verbose_name = _("migration profile figure")
        verbose_name_plural = _("migration profile figures")
        constraints = [
            not_negative(
                "diagnostics_migrationfigure_counts_not_negative",
                "total",
                optional=("women", "men"),
            ),
            models.CheckConstraint(
                condition=Q(women__isnull=True)
                | Q(men__isnull=True)
                | Q(total=F("women") + F("men")),
                name="diagnostics_migrationfigure_total_is_women_plus_men",
                violation_error_message=_("The total must equal women plus men."),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=1950, year__lte=2100),
                name="diagnostics_migrationfigure_year_plausible",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_indicator_display()}: {self.total} ({self.year})"


class Finding(BilingualTitleMixin, NumberedRecord, VersionedModel, TimeStampedModel):
    """A need or problem heard in the consultations."""

    class Severity(models.IntegerChoices):
        LOW = 1, _("1 - moderate")
        MEDIUM = 2, _("2 - serious")
        HIGH = 3, _("3 - critical")

    PREFIX = "F"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    cycle = cycle_field("findings")
    description = models.TextField(_("summary (French)"), blank=True)
    description_ar = models.TextField(_("summary (Arabic)"), blank=True)
    sector = models.ForeignKey(
        Sector, on_delete=models.PROTECT, related_name="findings", verbose_name=_("sector")
    )
    groups = models.ManyToManyField(
        TargetGroup, related_name="findings", verbose_name=_("groups concerned"), blank=True
    )
    women_view = models.TextField(_("what women said (French)"), blank=True)
    women_view_ar = models.TextField(_("what women said (Arabic)"), blank=True)
    men_view = models.TextField(_("what men said (French)"), blank=True)
    men_view_ar = models.TextField(_("what men said (Arabic)"), blank=True)

    BILINGUAL_FIELDS = ("title", "description", "women_view", "men_view")
    severity = models.PositiveSmallIntegerField(_("severity"), choices=Severity.choices)
    sessions = models.ManyToManyField(
        ConsultationSession,
        related_name="findings",
        verbose_name=_("sessions where it was raised"),
        blank=True,
    )

    history = HistoricalRecords(m2m_fields=[groups, sessions])

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        constraints = [
            models.CheckConstraint(
                condition=Q(severity__gte=1, severity__lte=3),
                name="diagnostics_finding_severity_1_to_3",
            ),
            models.UniqueConstraint(
                fields=["cycle", "number"], name="diagnostics_finding_number_per_cycle"
            ),
        ]

    @property
    def has_gender_gap(self) -> bool:
        return any(
            text.strip()
            for text in (self.women_view, self.women_view_ar, self.men_view, self.men_view_ar)
        )


class ProjectIdea(BilingualTitleMixin, NumberedRecord, VersionedModel, TimeStampedModel):
    """A project idea answering one or more findings; steps 4-5 score, decide and plan it.

    The actions app extends ideas with its own models (a FK to the idea), never by
    adding fields here.
    """

    PREFIX = "I"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    cycle = cycle_field("project_ideas")
    description = models.TextField(_("description"), blank=True)
    sector = models.ForeignKey(
        Sector, on_delete=models.PROTECT, related_name="project_ideas", verbose_name=_("sector")
    )
    target_groups = models.ManyToManyField(
        TargetGroup, related_name="project_ideas", verbose_name=_("target groups"), blank=True
    )
    beneficiaries_women = models.PositiveIntegerField(
        _("estimated beneficiaries: women"), null=True, blank=True
    )
    beneficiaries_men = models.PositiveIntegerField(
        _("estimated beneficiaries: men"), null=True, blank=True
    )
    findings = models.ManyToManyField(
        Finding,
        through="IdeaFinding",
        related_name="project_ideas",
        verbose_name=_("findings it answers"),
    )
    proposed_by = models.CharField(
        _("proposed by"),
        max_length=200,
        blank=True,
        help_text=_("A session, a group, an association, a service..."),
    )

    BILINGUAL_FIELDS = ("title",)

    history = HistoricalRecords(m2m_fields=[target_groups])

    class Meta:
        verbose_name = _("project idea")
        verbose_name_plural = _("project ideas")
        constraints = [
            not_negative(
                "diagnostics_projectidea_beneficiaries_not_negative",
                optional=("beneficiaries_women", "beneficiaries_men"),
            ),
            models.UniqueConstraint(
                fields=["cycle", "number"], name="diagnostics_projectidea_number_per_cycle"
            ),
        ]

    @property
    def beneficiaries_total(self) -> int | None:
        if self.beneficiaries_women is None and self.beneficiaries_men is None:
            return None
        return (self.beneficiaries_women or 0) + (self.beneficiaries_men or 0)


class IdeaFinding(TrackedModel):
    """The link from an idea to a finding it answers: a used finding cannot be deleted."""

    idea = models.ForeignKey(
        ProjectIdea,
        on_delete=models.CASCADE,
        related_name="finding_links",
        verbose_name=_("project idea"),
    )
    finding = models.ForeignKey(
        Finding, on_delete=models.PROTECT, related_name="idea_links", verbose_name=_("finding")
    )

    class Meta:
        verbose_name = _("finding answered by an idea")
        verbose_name_plural = _("findings answered by ideas")
        constraints = [
            models.UniqueConstraint(
                fields=["idea", "finding"], name="diagnostics_ideafinding_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.idea.code} -> {self.finding.code}"
