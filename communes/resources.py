"""Spreadsheet round-trip of steps 1 and 2: awareness sessions and trainees (``communes.sheets``).

Awareness sessions are matched by their code (the session's UUID, the stable identifier its
address already carries); attendance is one pair of columns a audience category.
Trainees have no code of their own: a row is matched by its training and the trainee's name
(two rows with the same pair in a file are a duplicate). Names and test scores are personal
data: a read-only member (an elected official) exports the rows without them.
"""

from __future__ import annotations

from collections import defaultdict

from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.declarative import ModelDeclarativeMetaclass
from import_export.fields import Field

from .records import AudienceCategory, AwarenessSession, SessionAttendance, Trainee, Training
from .sheets import (
    LIST_SEPARATORS,
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


class ChoiceListWidget(ChoiceWidget):
    """Several choices in one cell (topics, languages), separated by ";" or the Arabic "؛"."""

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return []
        found = []
        for part in LIST_SEPARATORS.split(str(value).strip()):
            if part:
                found.append(super().clean(part))
        return found

    def render(self, value, obj=None, **kwargs):
        labels = dict(self.choices)
        return "; ".join(str(labels.get(code, code)) for code in value or [])


class _ColumnsAsDeclared(ModelDeclarativeMetaclass):
    """``Meta.fields`` of a resource with a model, when its ``Meta`` does not list them: the
    columns it declares, its bases' first, in the order declared (a column set to ``None``
    is left out). django-import-export would otherwise add a column for every model field."""

    def __new__(cls, name, bases, attrs):
        meta = attrs.get("Meta")
        if (
            meta is not None
            and getattr(meta, "model", None)
            and getattr(meta, "fields", None) is None
        ):
            names = {}
            for base in bases:
                names.update(dict.fromkeys(getattr(base, "fields", {})))
            for key, value in attrs.items():
                if isinstance(value, Field):
                    names[key] = None
                elif value is None:
                    names.pop(key, None)
            attrs["Meta"] = type("Meta", (meta,), {"fields": tuple(names)})
        return super().__new__(cls, name, bases, attrs)


class SheetResource(CycleResource, metaclass=_ColumnsAsDeclared):
    """A ``CycleResource`` whose sheet has the columns it declares, in the order declared."""


def required_date(name: str) -> Column:
    return column(name, DateWidget(), help=gettext_lazy("A date (14/03/2025)."), required=True)


def required_choice(name: str, choices) -> Column:
    return column(
        name, ChoiceWidget(choices), help=gettext_lazy("See the allowed values."), required=True
    )


def whole_number(name: str) -> Column:
    """A count that may be left empty."""
    return column(name, IntegerWidget(), help=gettext_lazy("A whole number. Optional."))


def count_label(name, sex: str):
    """The label of a count column ("Migrants: women"), made when it is read: ``name`` is the
    category, read with ``str`` in the language of that moment (a choice's lazy label, a
    reference item)."""

    def text():
        if sex == "women":
            return _("%(category)s: women") % {"category": name}
        return _("%(category)s: men") % {"category": name}

    return lazy(text, str)()


class CountColumns:
    """A session's women and men of each category (an audience, a target group): a pair of
    columns a category ("women_<key>", "men_<key>"), stored as one line a category. Mixed into
    a ``CycleResource``, before it.

    The subclass adds the columns in ``__init__`` (``add_count_columns``), says which lines are
    stored (``count_lines``) and how a new line is made (``new_count_line``)."""

    count_keys: list[str]

    def add_count_columns(self, categories, help) -> None:
        """``categories``: (key, name) pairs in the sheet's order; ``name`` as ``count_label``
        reads it."""
        self.count_keys = []
        for key, name in categories:
            self.count_keys.append(key)
            for sex in ("women", "men"):
                column_name = f"{sex}_{key}"
                self.fields[column_name] = Column(
                    column_name=column_name,
                    widget=IntegerWidget(),
                    label=count_label(name, sex),
                    help=help,
                )

    def _is_count(self, key) -> bool:
        return key.startswith(("women_", "men_")) and key in self.fields

    def count_lines(self, session):
        """The session's stored lines, each with its category's key: (key, line) pairs."""
        raise NotImplementedError

    def lines_to_edit(self, session) -> dict:
        """The stored lines a row's counts replace, by key."""
        return dict(self.count_lines(session))

    def new_count_line(self, session, key):
        raise NotImplementedError

    def _counts(self, session) -> dict[str, int]:
        """The session's stored counts by column, without the zeros."""
        if session.pk is None:
            return {}
        counts = defaultdict(int)
        for key, line in self.count_lines(session):
            counts[f"women_{key}"] += line.women
            counts[f"men_{key}"] += line.men
        return {k: v for k, v in counts.items() if v}

    def export_field(self, field, instance, **kwargs):
        if self._is_count(field.column_name):
            return self._counts(instance).get(field.column_name)
        return super().export_field(field, instance, **kwargs)

    def _wanted(self, row) -> dict[str, int] | None:
        """The row's counts by column, without the zeros; ``None`` when it has no count column."""
        keys = self.extra_columns(row)
        if not keys:
            return None
        return {k: v for k in keys if (v := self.fields[k].clean(row))}

    def extra_columns(self, row) -> list[str]:
        return [k for k in row if self._is_count(k)]

    def extras_changed(self, original, row) -> bool:
        wanted = self._wanted(row)
        return wanted is not None and wanted != self._counts(original)

    def save_m2m(self, instance, row, **kwargs):
        if self._dry(kwargs):
            return
        wanted = self._wanted(row)
        if wanted is None:
            return
        stored = self.lines_to_edit(instance)
        for key in self.count_keys:
            women = wanted.get(f"women_{key}", 0)
            men = wanted.get(f"men_{key}", 0)
            line = stored.get(key)
            if not women and not men:
                if line is not None:
                    line._history_user = self.user
                    line.delete()
                continue
            if line is None:
                line = self.new_count_line(instance, key)
            if line.pk is None or (line.women, line.men) != (women, men):
                line.women, line.men = women, men
                line._history_user = self.user
                line.save()


class UuidCodeResource(SheetResource):
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


class AwarenessResource(CountColumns, UuidCodeResource):
    STEP = 1

    date = required_date("date")
    place = required_text("place")
    format = required_choice("format", AwarenessSession.Format.choices)
    facilitator = required_text("facilitator")
    topics = column(
        "topics",
        ChoiceListWidget(AwarenessSession.Topic.choices),
        help=gettext_lazy("Topics separated by “;”. Optional."),
    )
    other_topic = optional_text("other_topic")
    outcome = optional_text("outcome")

    class Meta(CycleResource.Meta):
        model = AwarenessSession

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.add_count_columns(
            ((category, AudienceCategory(category).label) for category in AudienceCategory.values),
            help=gettext_lazy("How many attended; empty: none."),
        )

    def get_queryset(self):
        return (
            AwarenessSession.objects.filter(cycle=self.cycle)
            .prefetch_related("attendance")
            .order_by("date", "pk")
        )

    def count_lines(self, session):
        return ((line.category, line) for line in session.attendance.all())

    def new_count_line(self, session, key):
        return SessionAttendance(session=session, category=key)


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


class TraineeResource(SheetResource):
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
