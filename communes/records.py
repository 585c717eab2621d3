"""Records of steps 1 and 2: awareness sessions (with attendance and attachments) and trainings.

Counts by sex are stored as recorded at the event; totals and shares are derived,
never typed. Attachments live in the default storage (``communes.storage``: a folder
outside the static path, or an object store) and are served only through a view behind the
access door.
"""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .concurrency import VersionedModel
from .models import TrackedModel, WomenAndMen, cycle_field, not_negative

__all__ = [
    "AudienceCategory",
    "AwarenessSession",
    "SessionAttendance",
    "SessionAttachment",
    "Training",
    "Trainee",
    "OFFICIAL_CATEGORIES",
    "Sex",
]


class AudienceCategory(models.TextChoices):
    ELECTED = "elected", _("elected officials")
    STAFF = "staff", _("commune staff")
    SERVICES = "services", _("deconcentrated services")
    CIVIL_SOCIETY = "civil_society", _("civil society")
    IEECAG = "ieecag", _("IEECAG members")
    DIASPORA = "diaspora", _("MRE and diaspora associations")
    MIGRANTS = "migrants", _("migrants")
    OTHER = "other", _("other")


# The step 1 checklist asks that the commune's own people (elected officials or staff) took part.
OFFICIAL_CATEGORIES = (AudienceCategory.ELECTED, AudienceCategory.STAFF)


class AwarenessSession(TrackedModel, VersionedModel):
    """One information session held for the commune's territorial actors (step 1)."""

    class Format(models.TextChoices):
        INFORMATION_MEETING = "meeting", _("information meeting")
        WORKSHOP = "workshop", _("workshop")
        FIELD_VISIT = "field_visit", _("field visit")
        MEDIA = "media", _("media or radio")
        OTHER = "other", _("other")

    class Topic(models.TextChoices):
        GENDER = "gender", _("gender")
        MIGRATION = "migration", _("migration and development")
        SNIA = "snia", _("SNIA")
        SNMRE = "snmre", _("SNMRE")
        PAC_LAW = "pac_law", _("legal frame of the PAC")
        IEECAG = "ieecag", _("role of the IEECAG")
        OTHER = "other", _("other")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    cycle = cycle_field("awareness_sessions", on_delete=models.CASCADE)
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200)
    format = models.CharField(_("format"), max_length=12, choices=Format.choices)
    facilitator = models.CharField(_("facilitator or organisation"), max_length=200)
    # A handful of fixed codes; a JSON list keeps the form a plain multiple choice.
    topics = models.JSONField(_("topics covered"), default=list, blank=True)
    other_topic = models.CharField(_("other topic"), max_length=200, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)

    class Meta:
        verbose_name = _("awareness session")
        verbose_name_plural = _("awareness sessions")
        indexes = [
            # The step 1 list: a cycle's sessions, newest first.
            models.Index(fields=["cycle", "-date"], name="communes_awareness_cycle_date"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} - {self.place}"

    def clean(self):
        super().clean()
        message = self.cycle.outside(self.date) if self.cycle_id else None
        if message:
            raise ValidationError({"date": message})

    @property
    def topic_labels(self) -> list[str]:
        labels = [
            str(self.Topic(code).label)
            for code in self.topics
            if code in self.Topic and not (code == self.Topic.OTHER and self.other_topic)
        ]
        if self.other_topic:
            labels.append(self.other_topic)
        return labels


class SessionAttendance(WomenAndMen):
    """How many women and men of one audience category attended a session."""

    session = models.ForeignKey(
        AwarenessSession,
        on_delete=models.CASCADE,
        related_name="attendance",
        verbose_name=_("awareness session"),
    )
    category = models.CharField(
        _("audience category"), max_length=16, choices=AudienceCategory.choices
    )

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "category"],
                name="communes_sessionattendance_one_per_category",
                violation_error_message=_("This category is already counted for this session."),
            ),
            *WomenAndMen.Meta.constraints,
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.women} / {self.men}"


def attachment_path(instance: SessionAttachment, filename: str) -> str:
    # The stored name never comes from the user: a random name and the extension of the
    # detected content type (the original name is kept in ``original_name`` for display).
    extension = SessionAttachment.EXTENSIONS.get(instance.content_type, ".bin")
    return f"awareness/{instance.session.uuid}/{uuid.uuid4().hex}{extension}"


def thumbnail_path(instance: SessionAttachment, filename: str) -> str:
    # Next to the original: "<random>.jpg" has its thumbnail "<random>.thumb.jpg".
    return str(PurePosixPath(instance.file.name).with_suffix(".thumb.jpg"))


class SessionAttachment(TrackedModel):
    """The signed attendance sheet or a photo of a session (PDF, JPEG or PNG)."""

    class Kind(models.TextChoices):
        ATTENDANCE_SHEET = "sheet", _("signed attendance sheet")
        PHOTO = "photo", _("photo")

    EXTENSIONS = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    session = models.ForeignKey(
        AwarenessSession,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=_("awareness session"),
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    # The default storage (settings.STORAGE: a shared folder or an object store).
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    # Images only: what the session page shows instead of the original (communes.images).
    thumbnail = models.FileField(
        _("thumbnail"), upload_to=thumbnail_path, max_length=200, blank=True, editable=False
    )
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=40)
    size = models.PositiveIntegerField(_("size in bytes"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_pdf(self) -> bool:
        return self.content_type == "application/pdf"

    @property
    def download_name(self) -> str:
        stem = PurePosixPath(self.original_name).stem or "attachment"
        return f"{stem}{self.EXTENSIONS.get(self.content_type, '')}"


class Sex(models.TextChoices):
    WOMAN = "f", _("woman")
    MAN = "m", _("man")


class Training(TrackedModel, VersionedModel):
    """A training of commune staff (step 2), usually two days on gender and migration."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    cycle = cycle_field("trainings", on_delete=models.CASCADE)
    title = models.CharField(_("title"), max_length=200)
    modules = models.TextField(_("modules"), blank=True, help_text=_("One module a line."))
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    days = models.PositiveSmallIntegerField(
        _("training days"), help_text=_("Days of training between the start and end dates.")
    )
    trainer = models.CharField(_("trainer"), max_length=200)
    place = models.CharField(_("place"), max_length=200)

    class Meta:
        verbose_name = _("training")
        verbose_name_plural = _("trainings")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="communes_training_end_after_start",
                violation_error_message=_("The end date cannot come before the start date."),
            ),
            models.CheckConstraint(
                condition=Q(days__gte=1), name="communes_training_at_least_one_day"
            ),
        ]
        indexes = [
            # The step 2 list: a cycle's trainings, newest first.
            models.Index(fields=["cycle", "-start_date"], name="communes_training_cycle_start"),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        super().clean()
        if self.cycle_id:
            errors = {
                name: message
                for name in ("start_date", "end_date")
                if (message := self.cycle.outside(getattr(self, name)))
            }
            if errors:
                raise ValidationError(errors)

    @property
    def module_list(self) -> list[str]:
        return [line.strip() for line in self.modules.splitlines() if line.strip()]


def _test_score(label) -> models.PositiveSmallIntegerField:
    """A trainee's score at a test before or after the training, out of 100, if taken."""
    return models.PositiveSmallIntegerField(
        label,
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
        help_text=_("Out of 100."),
    )


class Trainee(TrackedModel):
    """A person trained, as recorded at the training (sex and function at that time)."""

    Sex = Sex

    training = models.ForeignKey(
        Training, on_delete=models.CASCADE, related_name="trainees", verbose_name=_("training")
    )
    name = models.CharField(_("name"), max_length=150)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    service = models.CharField(_("service or function"), max_length=150, blank=True)
    days_attended = models.PositiveSmallIntegerField(_("days attended"))
    pre_score = _test_score(_("pre-test score"))
    post_score = _test_score(_("post-test score"))

    class Meta:
        verbose_name = _("trainee")
        verbose_name_plural = _("trainees")
        constraints = [
            not_negative("communes_trainee_days_not_negative", "days_attended"),
            models.CheckConstraint(
                condition=Q(pre_score__isnull=True) | Q(pre_score__gte=0, pre_score__lte=100),
                name="communes_trainee_pre_score_0_100",
            ),
            models.CheckConstraint(
                condition=Q(post_score__isnull=True) | Q(post_score__gte=0, post_score__lte=100),
                name="communes_trainee_post_score_0_100",
            ),
            models.CheckConstraint(
                condition=Q(post_score__isnull=True) | Q(pre_score__isnull=False),
                name="communes_trainee_post_needs_pre",
                violation_error_message=_("A post-test score needs the pre-test score."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def progression(self) -> int | None:
        if self.pre_score is None or self.post_score is None:
            return None
        return self.post_score - self.pre_score
