from __future__ import annotations

import uuid
from collections.abc import Sequence

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .bilingual import BilingualNameMixin
from .querysets import (
    CommuneQuerySet,
    PlanningCycleQuerySet,
    ProvinceQuerySet,
    RegionQuerySet,
    StepStatusQuerySet,
)


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class TrackedModel(TimeStampedModel):
    """Timestamps and a django-simple-history trail (``history``: who changed what, when).

    Each concrete subclass gets its own historical model (``HistoricalX``), as if it declared
    ``history = HistoricalRecords()``. A model whose history also follows many-to-many fields
    stays a ``TimeStampedModel`` and declares ``HistoricalRecords(m2m_fields=...)`` itself
    (a model is tracked once).
    """

    history = HistoricalRecords(inherit=True)

    class Meta:
        abstract = True


def not_negative(
    name: str, *fields: str, optional: Sequence[str] = (), message=None
) -> models.CheckConstraint:
    """The check that the counts or amounts ``fields`` are not negative, nor the nullable
    ``optional`` ones where they are set."""
    condition = Q(**{f"{field}__gte": 0 for field in fields})
    for field in optional:
        condition &= Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gte": 0})
    return models.CheckConstraint(condition=condition, name=name, violation_error_message=message)


class WomenAndMen(TrackedModel):
    """One row of a grid that counts people: the women and the men (an awareness session's
    attendance by audience, a consultation's participation by group)."""

    women = models.PositiveIntegerField(_("women"), default=0)
    men = models.PositiveIntegerField(_("men"), default=0)

    class Meta:
        abstract = True
        constraints = [
            not_negative("%(app_label)s_%(class)s_women_not_negative", "women"),
            not_negative("%(app_label)s_%(class)s_men_not_negative", "men"),
        ]

    @property
    def total(self) -> int:
        return self.women + self.men


class Region(BilingualNameMixin, TrackedModel):  # noqa: DJ008 (the mixin's __str__)
    code = models.CharField(_("code"), max_length=2, unique=True)

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]  # twelve rows


class Province(BilingualNameMixin, TrackedModel):  # noqa: DJ008 (the mixin's __str__)
    class Kind(models.TextChoices):
        PREFECTURE = "prefecture", _("prefecture")
        PROVINCE = "province", _("province")

    code = models.SlugField(_("code"), max_length=60, unique=True)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="provinces", verbose_name=_("region")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.PROVINCE)

    objects = ProvinceQuerySet.as_manager()

    class Meta:
        verbose_name = _("prefecture or province")
        verbose_name_plural = _("prefectures and provinces")
        ordering = ["name_fr"]  # 75 rows at most


class Commune(BilingualNameMixin, TrackedModel):  # noqa: DJ008 (the mixin's __str__)
    class Kind(models.TextChoices):
        URBAN = "urban", _("urban")
        RURAL = "rural", _("rural")

    code = models.SlugField(
        _("code"),
        max_length=60,
        unique=True,
        help_text=_("Stable identifier used in addresses and exports; never reused."),
    )
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="communes", verbose_name=_("province")
    )
    kind = models.CharField(_("type"), max_length=8, choices=Kind.choices)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    population_year = models.PositiveSmallIntegerField(_("census year"), null=True, blank=True)
    # Tamazight is an official language; the name in Tifinagh where it is known (editable).
    name_zgh = models.CharField(_("name in Tamazight (Tifinagh)"), max_length=150, blank=True)

    objects = CommuneQuerySet.as_manager()

    class Meta:
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        constraints = [
            models.CheckConstraint(
                condition=Q(population__isnull=True) | Q(population_year__isnull=False),
                name="communes_commune_population_has_year",
                violation_error_message=_("A population needs its census year."),
            ),
            models.CheckConstraint(
                condition=Q(population_year__isnull=True)
                | Q(population_year__gte=1900, population_year__lte=2100),
                name="communes_commune_population_year_plausible",
            ),
        ]
        indexes = [
            # Region dashboards list the communes of one province set, by name.
            models.Index(fields=["province", "name_fr"], name="communes_commune_prov_name"),
        ]

    @property
    def region(self) -> Region:
        return self.province.region


class User(AbstractUser):
    """The project's own user model, so fields can be added without a painful migration."""

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        full = self.get_full_name()
        return full or self.username


def actor_field(verbose_name) -> models.ForeignKey:
    """The user who changed, recorded or froze a record; the record stays when the user is
    deleted, and users have no reverse accessor to it."""
    return models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=verbose_name,
    )


class Role(models.TextChoices):
    EDITOR = "editor", _("commune editor")
    VIEWER = "viewer", _("commune viewer")
    COORDINATOR = "coordinator", _("regional coordinator")
    NATIONAL = "national", _("national administrator")
    # The governor's services: read the communes of one prefecture or province.
    PROVINCE_READER = "province", _("province reader")


def territory_field(model: type[models.Model], verbose_name) -> models.ForeignKey:
    """A membership's optional territory: a commune, a province or a region."""
    return models.ForeignKey(
        model,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=verbose_name,
    )


class Membership(TrackedModel):
    """A role given to a user on a commune, on a region, or on the whole country."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)
    # The territory the role applies to: the one its role asks, or none (constraint below).
    commune = territory_field(Commune, _("commune"))
    region = territory_field(Region, _("region"))
    province = territory_field(Province, _("prefecture or province"))

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        role__in=["editor", "viewer"],
                        commune__isnull=False,
                        region__isnull=True,
                        province__isnull=True,
                    )
                    | Q(
                        role="coordinator",
                        commune__isnull=True,
                        region__isnull=False,
                        province__isnull=True,
                    )
                    | Q(
                        role="province",
                        commune__isnull=True,
                        region__isnull=True,
                        province__isnull=False,
                    )
                    | Q(
                        role="national",
                        commune__isnull=True,
                        region__isnull=True,
                        province__isnull=True,
                    )
                ),
                name="communes_membership_role_matches_territory",
                violation_error_message=_(
                    "Editors and viewers belong to a commune, coordinators to a region, "
                    "province readers to a prefecture or province, national administrators "
                    "to none."
                ),
            ),
            models.UniqueConstraint(
                fields=["user", "commune"],
                condition=Q(commune__isnull=False),
                name="communes_membership_one_role_per_commune",
                violation_error_message=_("This user already has a role on this commune."),
            ),
            models.UniqueConstraint(
                fields=["user", "region"],
                condition=Q(region__isnull=False),
                name="communes_membership_one_role_per_region",
                violation_error_message=_("This user already coordinates this region."),
            ),
            models.UniqueConstraint(
                fields=["user", "province"],
                condition=Q(province__isnull=False),
                name="communes_membership_one_role_per_province",
                violation_error_message=_("This user already reads this province."),
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(role="national"),
                name="communes_membership_one_national_role",
            ),
        ]

    def __str__(self) -> str:
        where = self.commune or self.province or self.region or _("Morocco")
        return f"{self.user} - {self.get_role_display()} - {where}"


def default_end_year() -> int:
    return timezone.localdate().year + 5


class PlanningCycle(TrackedModel):
    """One PAC period of a commune (six years by law: organic law 113-14, art. 78)."""

    DEFAULT_LENGTH = 6

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="cycles", verbose_name=_("commune")
    )
    start_year = models.PositiveSmallIntegerField(_("first year of the PAC"))
    end_year = models.PositiveSmallIntegerField(_("last year of the PAC"))

    objects = PlanningCycleQuerySet.as_manager()

    class Meta:
        verbose_name = _("PAC cycle")
        verbose_name_plural = _("PAC cycles")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__gte=models.F("start_year")),
                name="communes_planningcycle_end_after_start",
                violation_error_message=_("The last year cannot come before the first year."),
            ),
            models.UniqueConstraint(
                fields=["commune", "start_year"],
                name="communes_planningcycle_one_per_start_year",
                violation_error_message=_("This commune already has a PAC starting that year."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.commune} - PAC {self.period}"

    @property
    def period(self) -> str:
        return f"{self.start_year}-{self.end_year}"

    @property
    def years(self) -> range:
        return range(self.start_year, self.end_year + 1)

    def outside(self, value) -> str | None:
        """The message for a date (or a year) outside the PAC period; ``None`` inside it.

        Every dated record of a cycle (sessions, trainings, milestones, action dates and
        costs) is refused outside its PAC years, so no figure lands in the wrong period.
        """
        if value is None:
            return None
        year = value if isinstance(value, int) else value.year
        if self.start_year <= year <= self.end_year:
            return None
        return _("This date is outside the PAC period %(period)s.") % {"period": self.period}


def cycle_field(
    related_name: str, on_delete=models.PROTECT, *, one: bool = False
) -> models.ForeignKey:
    """The PAC cycle a record belongs to. Step records are protected by default (a cycle with
    records is not deleted by accident); pass ``models.CASCADE`` for rows that are part of it,
    and ``one=True`` for a record a cycle has only one of (a ``OneToOneField``)."""
    field = models.OneToOneField if one else models.ForeignKey
    return field(
        PlanningCycle,
        on_delete=on_delete,
        related_name=related_name,
        verbose_name=_("PAC cycle"),
    )


class StepStatus(TrackedModel):
    """Where one of the five steps of a cycle stands, and who moved it last."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("not started")
        IN_PROGRESS = "in_progress", _("in progress")
        SUBMITTED = "submitted", _("submitted")
        VALIDATED = "validated", _("validated")
        RETURNED = "returned", _("returned")

    cycle = cycle_field("steps", on_delete=models.CASCADE)
    step = models.PositiveSmallIntegerField(_("step"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.NOT_STARTED
    )
    changed_by = actor_field(_("changed by"))
    changed_at = models.DateTimeField(_("changed at"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    objects = StepStatusQuerySet.as_manager()

    class Meta:
        verbose_name = _("step status")
        verbose_name_plural = _("step statuses")
        indexes = [
            # The review queue: submitted steps, oldest first.
            models.Index(fields=["status", "changed_at"], name="communes_stepstatus_queue"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "step"], name="communes_stepstatus_one_per_step"
            ),
            models.CheckConstraint(
                condition=Q(step__gte=1, step__lte=5), name="communes_stepstatus_step_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cycle} - {self.step}: {self.get_status_display()}"

    # The states a commune may submit its step from (not sent yet, or sent back).
    SUBMITTABLE = frozenset({Status.NOT_STARTED, Status.IN_PROGRESS, Status.RETURNED})

    @property
    def is_locked_for_commune(self) -> bool:
        """Submitted or validated steps are read-only for the commune until returned."""
        return self.status in {self.Status.SUBMITTED, self.Status.VALIDATED}


class StepEvent(models.Model):
    """One move of a step (the review thread): who did what, when, from which state, and why.

    Rows are only ever added (by ``communes.services``), so the table is its own history;
    ``StepStatus`` keeps the current state and its django-simple-history trail.
    """

    class Action(models.TextChoices):
        START = "start", _("started")
        SUBMIT = "submit", _("submitted for review")
        VALIDATE = "validate", _("validated")
        RETURN = "return", _("returned to the commune")
        REOPEN = "reopen", _("reopened")

    cycle = cycle_field("step_events", on_delete=models.CASCADE)
    step = models.PositiveSmallIntegerField(_("step"))
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    # Blank on the events written from the state found when the thread was introduced.
    from_status = models.CharField(
        _("from"), max_length=12, choices=StepStatus.Status.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=12, choices=StepStatus.Status.choices)
    by = actor_field(_("by"))
    at = models.DateTimeField(_("at"), default=timezone.now)
    comment = models.TextField(_("comment"), blank=True)
    # Set when the step was reopened because an earlier step it rests on was opened again.
    with_step = models.PositiveSmallIntegerField(_("together with step"), null=True, blank=True)

    class Meta:
        verbose_name = _("step event")
        verbose_name_plural = _("step events")
        constraints = [
            models.CheckConstraint(
                condition=Q(step__gte=1, step__lte=5), name="communes_stepevent_step_1_to_5"
            ),
        ]
        indexes = [
            # The commune page reads a cycle's thread in order.
            models.Index(fields=["cycle", "at"], name="communes_stepevent_cycle_at"),
        ]

    def __str__(self) -> str:
        return f"{self.cycle} - {self.step}: {self.get_action_display()}"


class FormToken(models.Model):
    """A create form's one-time token, used up by the save it allowed (``communes.once``).

    The unique token makes a second submission of the same form (a double click, the
    browser's back button then save) fail inside its transaction, so it never creates
    a second record; ``url`` is where the record created the first time lives.
    """

    token = models.UUIDField(_("token"), unique=True)
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    url = models.CharField(_("address of the record created"), max_length=300)
    used_at = models.DateTimeField(_("used at"), auto_now_add=True)

    class Meta:
        verbose_name = _("form token")
        verbose_name_plural = _("form tokens")

    def __str__(self) -> str:
        return str(self.token)


# Records of steps 1-2 and the numbering counters live in their own modules; imported here
# so Django sees them.
from .job_model import Job  # noqa: E402, F401
from .numbering import NumberCounter  # noqa: E402, F401
from .records import *  # noqa: E402, F403
