"""Spreadsheet round-trip of steps 1 and 2: awareness sessions and trainees (``communes.sheets``).

Awareness sessions are matched by their code (the session's UUID, the stable identifier its
address already carries); attendance is one pair of columns a audience category.
Trainees have no code of their own: a row is matched by its training and the trainee's name
(two rows with the same pair in a file are a duplicate). Names and test scores are personal
data: a read-only member (an elected official) exports the rows without them.
"""

from __future__ import annotations

import re

from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .records import AudienceCategory, AwarenessSession, SessionAttendance, Trainee, Training
from .sheets import (
    ChoiceWidget,
    Column,
    CycleResource,
    DateWidget,
    IntegerWidget,
    RowError,
    TextWidget,
    code_column,
    column,
    norm,
    optional_text,
    register,
    required_text,
    validate,
)


class TopicsWidget(ChoiceWidget):
    """Several topics in one cell, separated by ";"."""

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return []
        index = self.index()
        found = []
        for part in re.split(r"\s*[;؛]\s*", str(value).strip()):
            if not part:
                continue
            code = index.get(norm(part))
            if code is None:
                raise ValueError(
                    _("“%(value)s” is not an allowed value (see the second sheet).")
                    % {"value": part}
                )
            found.append(code)
        return found

    def render(self, value, obj=None, **kwargs):
        labels = dict(self.choices)
        return "; ".join(str(labels.get(code, code)) for code in value or [])


class UuidCodeResource(CycleResource):
    """Records without a per-period number: their UUID is their code."""

    code = code_column("uuid")

    def record_key(self, record):
        return str(record.uuid)

    def known_keys(self) -> set:
        return {str(u) for u in self.base_queryset().values_list("uuid", flat=True)}

    def key_for(self, code: str):
        return code

    @staticmethod
    def clean_code(value) -> str:
        return str(value or "").strip().lower()


def _attendance_label(category, sex):
    def text():
        label = AudienceCategory(category).label
        if sex == "women":
            return _("%(category)s: women") % {"category": label}
        return _("%(category)s: men") % {"category": label}

    return lazy(text, str)()


class AwarenessResource(UuidCodeResource):
    STEP = 1

    date = column("date", DateWidget(), help=gettext_lazy("A date (14/03/2025)."), required=True)
    place = required_text("place")
    format = column(
        "format",
        ChoiceWidget(AwarenessSession.Format.choices),
        help=gettext_lazy("See the allowed values."),
        required=True,
    )
    facilitator = required_text("facilitator")
    topics = column(
        "topics",
        TopicsWidget(AwarenessSession.Topic.choices),
        help=gettext_lazy("Topics separated by “;”. Optional."),
    )
    other_topic = optional_text("other_topic")
    outcome = optional_text("outcome")

    class Meta(CycleResource.Meta):
        model = AwarenessSession
        fields = (
            "code",
            "commune",
            "date",
            "place",
            "format",
            "facilitator",
            "topics",
            "other_topic",
            "outcome",
        )

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        for category, _label in AudienceCategory.choices:
            for sex in ("women", "men"):
                key = f"{sex}_{category}"
                self.fields[key] = Column(
                    column_name=key,
                    widget=IntegerWidget(),
                    label=_attendance_label(category, sex),
                    help=gettext_lazy("How many attended; empty: none."),
                )

    def get_queryset(self):
        return (
            AwarenessSession.objects.filter(cycle=self.cycle)
            .prefetch_related("attendance")
            .order_by("date", "pk")
        )

    @staticmethod
    def _attendance(session) -> dict[str, int]:
        if session.pk is None:
            return {}
        counts = {}
        for row in session.attendance.all():
            counts[f"women_{row.category}"] = row.women
            counts[f"men_{row.category}"] = row.men
        return {k: v for k, v in counts.items() if v}

    def export_field(self, field, instance, **kwargs):
        if field.column_name.startswith(("women_", "men_")):
            return self._attendance(instance).get(field.column_name)
        return super().export_field(field, instance, **kwargs)

    def _wanted(self, row) -> dict[str, int] | None:
        keys = [k for k in row if k.startswith(("women_", "men_")) and k in self.fields]
        if not keys:
            return None
        wanted = {k: self.fields[k].clean(row) for k in keys}
        return {k: v for k, v in wanted.items() if v}

    def extra_columns(self, row) -> list[str]:
        return [k for k in row if k.startswith(("women_", "men_")) and k in self.fields]

    def extras_changed(self, original, row) -> bool:
        wanted = self._wanted(row)
        return wanted is not None and wanted != self._attendance(original)

    def save_m2m(self, instance, row, **kwargs):
        if self._dry(kwargs):
            return
        wanted = self._wanted(row)
        if wanted is None:
            return
        stored = {a.category: a for a in instance.attendance.all()}
        for category, _label in AudienceCategory.choices:
            women = wanted.get(f"women_{category}", 0)
            men = wanted.get(f"men_{category}", 0)
            line = stored.get(category)
            if not women and not men:
                if line is not None:
                    line._history_user = self.user
                    line.delete()
                continue
            line = line or SessionAttendance(session=instance, category=category)
            if line.pk is None or (line.women, line.men) != (women, men):
                line.women, line.men = women, men
                line._history_user = self.user
                line.save()


class TrainingWidget(TextWidget):
    """A training of the PAC, by its title (or its code)."""

    def __init__(self):
        super().__init__()
        self.cycle = None
        self._index = None

    def lookup(self, value):
        if self._index is None:
            self._index = {}
            for training in Training.objects.filter(cycle=self.cycle):
                self._index.setdefault(norm(training.title), training)
                self._index.setdefault(norm(training.uuid), training)
        return self._index.get(norm(value))

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            raise ValueError(_("This column is required."))
        training = self.lookup(value)
        if training is None:
            raise ValueError(_("No training of this PAC is called “%(value)s”.") % {"value": value})
        return training

    def render(self, value, obj=None, **kwargs):
        return value.title if value else ""


class TraineeResource(CycleResource):
    STEP = 2
    PRIVATE = ("name", "pre_score", "post_score")

    code = None  # trainees are matched by training and name
    training = column(
        "training",
        TrainingWidget(),
        label=gettext_lazy("Training"),
        help=gettext_lazy("The title of a training of this PAC, recorded first."),
        required=True,
    )
    name = required_text("name")
    sex = column(
        "sex", ChoiceWidget(Trainee.Sex.choices), help=gettext_lazy("f or m."), required=True
    )
    service = optional_text("service")
    days_attended = column(
        "days_attended", IntegerWidget(required=True), help=gettext_lazy("A whole number.")
    )
    pre_score = column("pre_score", IntegerWidget(), help=gettext_lazy("Out of 100. Optional."))
    post_score = column(
        "post_score", IntegerWidget(), help=gettext_lazy("Out of 100; needs the pre-test score.")
    )

    class Meta(CycleResource.Meta):
        model = Trainee
        fields = (
            "commune",
            "training",
            "name",
            "sex",
            "service",
            "days_attended",
            "pre_score",
            "post_score",
        )

    def base_queryset(self):
        return Trainee.objects.filter(training__cycle=self.cycle)

    def get_queryset(self):
        return (
            self.base_queryset()
            .select_related("training")
            .order_by("training__start_date", "training_id", "name", "pk")
        )

    def record_key(self, record):
        return f"{record.training_id}:{norm(record.name)}"

    def before_save_instance(self, instance, row, **kwargs):
        instance._history_user = self.user

    def import_instance(self, instance, row, **kwargs):
        super(CycleResource, self).import_instance(instance, row, **kwargs)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        validate(instance, import_validation_errors)

    def check_rows(self, rows, labels):
        errors = []
        widget = self.fields["training"].widget
        known = {self.record_key(t) for t in self.base_queryset().only("training_id", "name")}
        seen = {}
        for index, row in enumerate(rows, start=2):
            errors += self.check_commune(row, index, labels)
            row["_key"] = None
            training = widget.lookup(row.get("training")) if row.get("training") else None
            name = row.get("name")
            if training is None or not name:
                continue  # the widgets say what is missing
            key = f"{training.pk}:{norm(name)}"
            if key in seen:
                errors.append(
                    RowError(
                        index,
                        labels["name"],
                        _("%(name)s is already on row %(row)s of this file for this training.")
                        % {"name": name, "row": seen[key]},
                    )
                )
                continue
            seen[key] = index
            row["_key"] = key if key in known else None
        return errors


def register_sheets() -> None:
    for kind, resource, title, list_url in (
        (
            "awareness",
            AwarenessResource,
            gettext_lazy("Awareness sessions"),
            "communes:awareness_list",
        ),
        ("trainees", TraineeResource, gettext_lazy("Trainees"), "communes:training_list"),
    ):
        register(kind, resource, title=title, list_url=list_url)
