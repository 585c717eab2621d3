"""Forms of steps 1-2: awareness sessions, their attendance grid and attachments; trainings."""

from __future__ import annotations

import datetime

from django import forms
from django.forms import BaseFormSet, BaseInlineFormSet, formset_factory, inlineformset_factory
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import images
from .concurrency import VersionedFormMixin
from .formfields import count_field, tick_boxes
from .records import AudienceCategory, AwarenessSession, SessionAttachment, Trainee, Training

MAX_ATTACHMENT_SIZE = 10 * 1024 * 1024
# How far ahead an event may be dated: planning a session a few months ahead is normal,
# a date years away is a typing mistake.
FUTURE_LIMIT = datetime.timedelta(days=365)

# Magic bytes of the three accepted formats: the content decides, never the file name.
SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)


def detect_content_type(head: bytes) -> str | None:
    for signature, content_type in SIGNATURES:
        if head.startswith(signature):
            return content_type
    return None


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _not_too_far_ahead(value: datetime.date) -> None:
    limit = timezone.localdate() + FUTURE_LIMIT
    if value > limit:
        raise forms.ValidationError(
            _("This date is more than a year ahead (after %(limit)s). Check the year."),
            params={"limit": date_format(limit, "SHORT_DATE_FORMAT")},
            code="too_far_ahead",
        )


class AwarenessSessionForm(VersionedFormMixin, forms.ModelForm):
    topics = tick_boxes(_("Topics covered"), AwarenessSession.Topic.choices)

    class Meta:
        model = AwarenessSession
        fields = ["date", "place", "format", "facilitator", "topics", "other_topic", "outcome"]
        widgets = {
            "date": DateInput(),
            "outcome": forms.Textarea(attrs={"rows": 4, "dir": "auto"}),
            "place": forms.TextInput(attrs={"dir": "auto"}),
            "facilitator": forms.TextInput(attrs={"dir": "auto"}),
            "other_topic": forms.TextInput(attrs={"dir": "auto"}),
        }
        help_texts = {
            "outcome": _("What came out of the session: decisions, requests, next steps.")
        }

    def clean_date(self):
        value = self.cleaned_data["date"]
        _not_too_far_ahead(value)
        return value

    def clean(self):
        cleaned = super().clean()
        topics = cleaned.get("topics") or []
        if AwarenessSession.Topic.OTHER in topics and not cleaned.get("other_topic", "").strip():
            self.add_error("other_topic", _("Say which other topic was covered."))
        return cleaned


class AttendanceRowForm(forms.Form):
    """One row of the attendance grid: an audience category and its women and men."""

    category = forms.ChoiceField(choices=AudienceCategory.choices, widget=forms.HiddenInput)
    women = count_field("count-input", label=_("Women"))
    men = count_field("count-input", label=_("Men"))

    @property
    def category_label(self) -> str:
        code = self.initial.get("category") or self.data.get(self.add_prefix("category"))
        return AudienceCategory(code).label if code in AudienceCategory else code

    def clean_women(self):
        return self.cleaned_data.get("women") or 0

    def clean_men(self):
        return self.cleaned_data.get("men") or 0


class BaseAttendanceFormSet(BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        seen = [form.cleaned_data.get("category") for form in self.forms]
        if sorted(seen) != sorted(AudienceCategory.values):
            raise forms.ValidationError(_("The attendance grid was incomplete. Reload the page."))

    def counts(self) -> dict[str, tuple[int, int]]:
        return {
            form.cleaned_data["category"]: (form.cleaned_data["women"], form.cleaned_data["men"])
            for form in self.forms
        }


AttendanceFormSet = formset_factory(
    AttendanceRowForm,
    formset=BaseAttendanceFormSet,
    extra=0,
    max_num=len(AudienceCategory.choices),
    validate_max=True,
)


def attendance_formset(session: AwarenessSession | None, data=None) -> BaseAttendanceFormSet:
    """The grid: every category, in a fixed order, with the counts recorded so far."""
    recorded = {}
    if session is not None and session.pk:
        recorded = {row.category: row for row in session.attendance.all()}
    initial = [
        {
            "category": code,
            "women": recorded[code].women if code in recorded else None,
            "men": recorded[code].men if code in recorded else None,
        }
        for code in AudienceCategory.values
    ]
    return AttendanceFormSet(data=data, initial=initial, prefix="attendance")


class SessionAttachmentForm(forms.Form):
    """The upload only: the service builds the attachment from it and the detected type."""

    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=SessionAttachment.Kind.choices,
        initial=SessionAttachment.Kind.ATTENDANCE_SHEET,
    )
    file = SessionAttachment._meta.get_field("file").formfield(
        help_text=_("PDF, JPEG or PNG, 10 MB at most; images up to 40 million pixels."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_ATTACHMENT_SIZE:
            raise forms.ValidationError(
                _("This file is %(size)s; the limit is 10 MB."),
                params={"size": filesizeformat(upload.size)},
                code="too_big",
            )
        upload.seek(0)
        head = upload.read(16)
        upload.seek(0)
        self.content_type = detect_content_type(head)
        if self.content_type is None:
            raise forms.ValidationError(
                _("Only PDF, JPEG or PNG files are accepted (this file is none of them)."),
                code="bad_type",
            )
        self.thumbnail = None
        if self.content_type != "application/pdf":
            try:
                self.thumbnail = images.thumbnail(upload, self.content_type)
            except images.ImageRefused as refused:
                raise forms.ValidationError(refused.message, code=refused.code) from refused
        return upload

    def clean(self):
        cleaned = super().clean()
        content_type = getattr(self, "content_type", None)
        if cleaned.get("kind") == SessionAttachment.Kind.PHOTO and content_type == (
            "application/pdf"
        ):
            self.add_error("file", _("A photo must be a JPEG or PNG image."))
        return cleaned


class TrainingForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Training
        fields = ["title", "modules", "start_date", "end_date", "days", "trainer", "place"]
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "title": forms.TextInput(attrs={"dir": "auto"}),
            "modules": forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
            "trainer": forms.TextInput(attrs={"dir": "auto"}),
            "place": forms.TextInput(attrs={"dir": "auto"}),
        }

    def clean_start_date(self):
        value = self.cleaned_data["start_date"]
        _not_too_far_ahead(value)
        return value

    def clean(self):
        cleaned = super().clean()
        start, end, days = cleaned.get("start_date"), cleaned.get("end_date"), cleaned.get("days")
        if start and end and end < start:
            self.add_error("end_date", _("The end date cannot come before the start date."))
        elif start and end and days is not None:
            span = (end - start).days + 1
            if days < 1:
                self.add_error("days", _("A training lasts at least one day."))
            elif days > span:
                self.add_error(
                    "days",
                    ngettext(
                        "From %(start)s to %(end)s there is only %(span)s day.",
                        "From %(start)s to %(end)s there are only %(span)s days.",
                        span,
                    )
                    % {
                        "start": date_format(start, "SHORT_DATE_FORMAT"),
                        "end": date_format(end, "SHORT_DATE_FORMAT"),
                        "span": span,
                    },
                )
        return cleaned


def _small(widget_class, **attrs):
    return widget_class(attrs={"class": "form-control form-control-sm", **attrs})


class TraineeForm(forms.ModelForm):
    # Set by the view from the training's days before validation.
    max_days: int | None = None

    class Meta:
        model = Trainee
        fields = ["name", "sex", "service", "days_attended", "pre_score", "post_score"]
        widgets = {
            "name": _small(forms.TextInput, dir="auto"),
            "sex": forms.Select(attrs={"class": "form-select form-select-sm"}),
            "service": _small(forms.TextInput, dir="auto"),
            "days_attended": _small(forms.NumberInput, min=0, inputmode="numeric"),
            "pre_score": _small(forms.NumberInput, min=0, max=100, inputmode="numeric"),
            "post_score": _small(forms.NumberInput, min=0, max=100, inputmode="numeric"),
        }

    def full_clean(self):
        super().full_clean()
        # Mark the cells in error, so the grid shows where to look (Bootstrap's is-invalid).
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("post_score") is not None and cleaned.get("pre_score") is None:
            self.add_error("post_score", _("A post-test score needs the pre-test score."))
        days = cleaned.get("days_attended")
        if days is not None and self.max_days is not None and days > self.max_days:
            self.add_error(
                "days_attended",
                ngettext(
                    "The training lasts %(days)s day.",
                    "The training lasts %(days)s days.",
                    self.max_days,
                )
                % {"days": self.max_days},
            )
        return cleaned


class BaseTraineeFormSet(BaseInlineFormSet):
    def set_training_days(self, days: int | None) -> None:
        for form in self.forms:
            form.max_days = days


def trainee_formset_class(extra: int):
    return inlineformset_factory(
        Training,
        Trainee,
        form=TraineeForm,
        formset=BaseTraineeFormSet,
        extra=extra,
        can_delete=True,
        max_num=500,
        validate_max=True,
    )
