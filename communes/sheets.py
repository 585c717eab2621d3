"""Spreadsheet round-trip: the resources' common base, reading an uploaded file, writing one.

Every list that round-trips has a ``CycleResource`` (django-import-export) in its app's
``resources.py``, registered here with ``register(kind, ...)`` from the app's ``ready()``.
The same resource writes the export, the template (no rows, plus a sheet explaining each
column in French and Arabic) and reads the import, so the formats never drift apart.

Columns have a stable key (the resource field's ``column_name``); what the user reads is its
label in their language. An import accepts the labels in French, in Arabic or in English, or
the keys, in any order (decision: a coordinator may hand an Arabic sheet to a French-speaking
editor). Rows are matched by the record's stable code ("F-03"); an empty code creates a row.

Reading refuses (``Refused``, one plain message) what cannot be a table: a wrong or renamed
file, an empty one, a zip bomb, too many bytes or rows, merged cells, formulas. Row errors
(``RowError``: row, column, message) come from the pre-pass (codes, commune, duplicates) and
from the resource's widgets and the models' ``full_clean``.
"""

from __future__ import annotations

import csv
import io
import re
import uuid
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields as ie_fields
from import_export import resources, widgets
from tablib import Dataset

MAX_BYTES = getattr(settings, "IMPORT_MAX_BYTES", 10 * 1024 * 1024)
MAX_ROWS = getattr(settings, "IMPORT_MAX_ROWS", 20_000)
# Above this many rows a check or a write takes more than a few seconds: it runs as a job.
ASYNC_ROWS = getattr(settings, "IMPORT_ASYNC_ROWS", 1_000)
# An xlsx is a zip: what it may hold once uncompressed, and how much a member may expand.
MAX_UNZIPPED = getattr(settings, "IMPORT_MAX_UNZIPPED_BYTES", 200 * 1024 * 1024)
MAX_RATIO = 150
FORMULA_START = ("=", "+", "-", "@")
LIST_SEPARATORS = re.compile(r"\s*[;؛]\s*")
ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


class Refused(Exception):
    """The file as a whole cannot be read: one message for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class RowError:
    row: int  # the spreadsheet's row number (the header is row 1)
    column: str  # the column's label in the user's language ("" for the row as a whole)
    message: str


@dataclass
class Outcome:
    new: int = 0
    update: int = 0
    skip: int = 0
    errors: list[RowError] = field(default_factory=list)
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


# --- Cells ---


def norm(value) -> str:
    return " ".join(str(value).split()).casefold() if value is not None else ""


def escape(value):
    """A text cell a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, uuid.UUID):
        return str(value)  # a code: text in every format (a spreadsheet has no UUID type)
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def unescape(value):
    if isinstance(value, str) and value[:1] == "'" and value[1:2] in FORMULA_START:
        return value[1:]
    return value


def parse_decimal(value) -> Decimal | None:
    """Numbers as typed in Morocco: "1 234,50", "1234.5", Arabic-Indic digits, a cell number."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError(_("Expected a number."))
    if isinstance(value, int | float | Decimal):
        return Decimal(str(value))
    text = str(value).translate(ARABIC_DIGITS).replace("\u00a0", "").replace(" ", "")
    text = text.replace("٫", ",").replace("٬", "")
    if "," in text and "." in text:
        if text.rfind(",") > text.rfind("."):  # 1.234,50
            text = text.replace(".", "").replace(",", ".")
        else:  # 1,234.50
            text = text.replace(",", "")
    else:
        text = text.replace(",", ".")
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ValueError(_("“%(value)s” is not a number.") % {"value": value}) from None


EXCEL_EPOCH = date(1899, 12, 30)


def parse_date(value) -> date | None:
    """A date cell, an Excel serial number, or text as 2025-03-14, 14/03/2025 or 14-03-2025."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        if 1 <= value < 2958466:
            return EXCEL_EPOCH + timedelta(days=int(value))
        raise ValueError(_("“%(value)s” is not a date.") % {"value": value})
    text = str(value).strip().translate(ARABIC_DIGITS)
    if re.fullmatch(r"\d{5}(\.0+)?", text):
        return EXCEL_EPOCH + timedelta(days=int(float(text)))
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y/%m/%d"):
        try:
            return datetime.strptime(text[:10], pattern).date()
        except ValueError:
            continue
    raise ValueError(_("“%(value)s” is not a date (write it as 14/03/2025).") % {"value": value})


# --- Widgets ---


class TextWidget(widgets.CharWidget):
    def clean(self, value, row=None, **kwargs):
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value).strip()

    def render(self, value, obj=None, **kwargs):
        return value or ""


class IntegerWidget(widgets.Widget):
    def __init__(self, required=False):
        super().__init__()
        self.required = required

    def clean(self, value, row=None, **kwargs):
        number = parse_decimal(value)
        if number is None:
            if self.required:
                raise ValueError(_("This column is required."))
            return None
        if number != number.to_integral_value():
            raise ValueError(_("“%(value)s” is not a whole number.") % {"value": value})
        if number < 0:
            raise ValueError(_("A negative number is not allowed here."))
        return int(number)

    def render(self, value, obj=None, **kwargs):
        return value


class DecimalWidget(IntegerWidget):
    def clean(self, value, row=None, **kwargs):
        number = parse_decimal(value)
        if number is None and self.required:
            raise ValueError(_("This column is required."))
        return number

    def render(self, value, obj=None, **kwargs):
        return float(value) if value is not None else None


YES = frozenset({"1", "x", "yes", "oui", "true", "vrai", "o", "y", "نعم"})
NO = frozenset({"0", "no", "non", "false", "faux", "n", "لا"})


class BooleanWidget(widgets.Widget):
    """Yes or no, as people type it in French, Arabic or English; empty: no."""

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return False
        if isinstance(value, bool):
            return value
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = norm(value)
        if text in YES:
            return True
        if text in NO:
            return False
        raise ValueError(_("“%(value)s” is neither yes nor no (oui / non).") % {"value": value})

    def render(self, value, obj=None, **kwargs):
        return _("yes") if value else _("no")


class DateWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        result = parse_date(value)
        if result is None:
            raise ValueError(_("This column is required."))
        return result

    def render(self, value, obj=None, **kwargs):
        return value


class ChoiceWidget(widgets.Widget):
    """A fixed choice, accepted by its code or its label in French, Arabic or English."""

    def __init__(self, choices, required=True, default=""):
        super().__init__()
        self.choices = choices
        self.required = required
        self.default = default  # what an empty cell of an optional column means

    def index(self) -> dict[str, object]:
        if getattr(self, "_index", None) is None:
            self._index = self._build_index()
        return self._index

    def _build_index(self) -> dict[str, object]:
        found = {}
        for value, label in self.choices:
            found[norm(value)] = value
            for language in ("en", "fr", "ar"):
                with translation.override(language):
                    found[norm(label)] = value
        return found

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            if self.required:
                raise ValueError(_("This column is required."))
            return self.default
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        found = self.index().get(norm(value))
        if found is None:
            raise ValueError(
                _("“%(value)s” is not an allowed value (see the second sheet).") % {"value": value}
            )
        return found

    def render(self, value, obj=None, **kwargs):
        return str(dict(self.choices).get(value, value))

    def allowed(self) -> str:
        return "; ".join(f"{value} = {label}" for value, label in self.choices)


class ReferenceIndex:
    """A reference list by code and by French and Arabic name (read once per import)."""

    def __init__(self, model):
        self.model = model
        self._index = None

    def get(self, value):
        if self._index is None:
            self._index = {}
            for item in self.model.objects.all():
                for key in (item.code, item.name_fr, item.name_ar):
                    self._index.setdefault(norm(key), item)
        return self._index.get(norm(value))

    def unknown(self, value) -> ValueError:
        return ValueError(
            _(
                "“%(value)s” is not in the list of %(list)s (write its code or its French or "
                "Arabic name, see the second sheet)."
            )
            % {"value": value, "list": self.model._meta.verbose_name_plural}
        )


class ReferenceWidget(widgets.ForeignKeyWidget):
    def __init__(self, model, required=True):
        super().__init__(model, "code")
        self.lookup = ReferenceIndex(model)
        self.required = required

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            if self.required:
                raise ValueError(_("This column is required."))
            return None
        item = self.lookup.get(value)
        if item is None:
            raise self.lookup.unknown(value)
        return item

    def render(self, value, obj=None, **kwargs):
        return value.name if value else ""


class ReferenceListWidget(widgets.ManyToManyWidget):
    """Several reference items in one cell, separated by ";" (or the Arabic "؛")."""

    def __init__(self, model):
        super().__init__(model, field="code")
        self.lookup = ReferenceIndex(model)

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return []
        items = []
        for part in LIST_SEPARATORS.split(str(value).strip()):
            if not part:
                continue
            item = self.lookup.get(part)
            if item is None:
                raise self.lookup.unknown(part)
            items.append(item)
        return items

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return "; ".join(item.name for item in value.all())


class CodeListWidget(widgets.ManyToManyWidget):
    """Numbered records of the PAC in one cell, by code ("F-01; F-03"), separated by ";" or
    ","; subclasses name the model and say what an empty cell and an unknown code mean."""

    EMPTY = ""  # the message for an empty cell
    UNKNOWN = ""  # the message for an unknown code, with %(code)s

    def __init__(self, model, cycle=None):
        super().__init__(model, field="number")
        self.cycle = cycle
        self._by_number = None

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            raise ValueError(str(self.EMPTY))
        if self._by_number is None:
            self._by_number = {r.number: r for r in self.model.objects.filter(cycle=self.cycle)}
        found = []
        for part in str(value).replace("؛", ";").replace(",", ";").split(";"):
            code = part.strip().upper()
            if not code:
                continue
            number = code.removeprefix(self.model.PREFIX).lstrip("-").lstrip("0") or "0"
            record = self._by_number.get(int(number)) if number.isdigit() else None
            if record is None:
                raise ValueError(str(self.UNKNOWN) % {"code": code})
            found.append(record)
        return found

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return "; ".join(r.code for r in sorted(value.all(), key=lambda r: r.number))


# --- Validation, fast enough for 20,000 rows ---

_OPS = {
    "exact": lambda a, b: a == b,
    "gte": lambda a, b: a is not None and b is not None and a >= b,
    "lte": lambda a, b: a is not None and b is not None and a <= b,
    "gt": lambda a, b: a is not None and b is not None and a > b,
    "lt": lambda a, b: a is not None and b is not None and a < b,
    "isnull": lambda a, b: (a is None) == b,
    "in": lambda a, b: a in b,
}


class _Unsupported(Exception):
    pass


def _holds(q, instance) -> bool:
    """A ``CheckConstraint``'s condition evaluated on the instance, without a query (Django's
    own check runs one a constraint a row); ``_Unsupported`` for anything but plain lookups."""
    results = []
    for child in q.children:
        if isinstance(child, models.Q):
            results.append(_holds(child, instance))
            continue
        lookup, expected = child
        name, _sep, op = lookup.partition("__")
        op = op or "exact"
        if op not in _OPS or "__" in op:
            raise _Unsupported
        if isinstance(expected, models.F):
            expected = getattr(instance, expected.name)
        elif hasattr(expected, "resolve_expression"):
            raise _Unsupported
        field = instance._meta.get_field(name)
        results.append(_OPS[op](getattr(instance, field.attname), expected))
    outcome = all(results) if q.connector == models.Q.AND else any(results)
    return not outcome if q.negated else outcome


def validate(instance, errors=None) -> None:
    """``full_clean`` of an imported row: fields and ``clean()`` as in the forms, the check
    constraints in Python (a query each otherwise); uniqueness is left to the database and to
    the pre-pass (codes, duplicates in the file)."""
    errors = dict(errors or {})
    # Foreign keys the widgets resolved from the database need no second query to exist.
    resolved = [
        f.name
        for f in instance._meta.concrete_fields
        if f.is_relation and f.name in instance._state.fields_cache
    ]
    try:
        instance.full_clean(
            exclude=[*errors, *resolved], validate_unique=False, validate_constraints=False
        )
    except ValidationError as error:
        errors.update(error.update_error_dict({}))
    if not errors:
        for constraint in instance._meta.constraints:
            if not isinstance(constraint, models.CheckConstraint):
                continue
            try:
                holds = _holds(constraint.condition, instance)
            except _Unsupported:
                try:
                    constraint.validate(type(instance), instance)
                    holds = True
                except ValidationError:
                    holds = False
            if not holds:
                message = constraint.get_violation_error_message()
                errors.setdefault(NON_FIELD_ERRORS, []).append(message)
    if errors:
        raise ValidationError(errors)


# --- Resources ---


class Column(ie_fields.Field):
    """A resource field with what the user reads: a label and an explanation."""

    def __init__(self, *args, label="", help="", required=False, allowed=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.label = label
        self.help = help
        self.required = required
        self.allowed = allowed


def column(name: str, widget, **kwargs) -> Column:
    """A column named as its model field: the sheet's key is the attribute's name."""
    return Column(attribute=name, column_name=name, widget=widget, **kwargs)


def optional_text(name: str) -> Column:
    """A free-text column named as its field, which may be left empty."""
    return column(name, TextWidget(), help=gettext_lazy("Optional."))


def required_text(name: str, help=None) -> Column:
    """A free-text column named as its field, which must be filled."""
    return column(name, TextWidget(), help=help or gettext_lazy("Required."), required=True)


def read_only(name: str, label, help, *, attribute=None, widget=None) -> Column:
    """A column the export fills and the import does not read."""
    widget = widget or TextWidget()
    return Column(
        attribute=attribute, column_name=name, readonly=True, widget=widget, label=label, help=help
    )


def code_column(attribute: str) -> Column:
    """The "code" column: read only, filled by the export, empty on a new row."""
    return read_only(
        "code",
        gettext_lazy("Code"),
        gettext_lazy("The record's code. Leave empty on a new row: the import gives one."),
        attribute=attribute,
    )


class _NoDiff:
    """django-import-export's diff renders every column of the stored record before each row
    (the admin shows it; these pages do not): a query a relation a row, for nothing."""

    def __init__(self, resource, instance, new):
        pass

    def compare_with(self, resource, instance):
        pass

    def as_html(self):
        return []


class CycleResource(resources.ModelResource):
    """The records of one list of one PAC cycle, matched by their stable code.

    Subclasses declare ``Column`` fields (``code`` and ``commune`` come from here), a
    ``STEP`` and, for personal data, ``PRIVATE`` column keys a read-only user never gets.
    """

    STEP = 0
    PRIVATE: tuple[str, ...] = ()

    code = code_column("code")
    commune = read_only(
        "commune",
        gettext_lazy("Commune"),
        gettext_lazy("The commune's code; only this commune's rows are accepted."),
    )

    class Meta:
        skip_unchanged = True
        report_skipped = True
        use_transactions = True
        clean_model_instances = True

    def __init__(self, *, cycle, user=None, private=True, **kwargs):
        super().__init__(**kwargs)
        for column in self.fields.values():
            if isinstance(column, Column) and not column.label and column.attribute:
                # The model field's own name, translated like the forms'.
                field = self._meta.model._meta.get_field(column.attribute)
                column.label = capfirst(field.verbose_name)
        self.cycle = cycle
        self.user = user
        self.private = private
        for column in self.fields.values():  # each resource has its own copies of the widgets
            if hasattr(column.widget, "cycle"):  # widgets that read records of the PAC
                column.widget.cycle = cycle

    # Columns

    def columns(self) -> list[Column]:
        return [
            f
            for f in self.get_export_fields()
            if isinstance(f, Column) and (self.private or f.column_name not in self.PRIVATE)
        ]

    def get_export_fields(self, selected_fields=None):
        found = super().get_export_fields(selected_fields)
        return [f for f in found if self.private or f.column_name not in self.PRIVATE]

    def dehydrate_commune(self, record):
        return self.cycle.commune.code

    # Reading the records

    def base_queryset(self):
        return self._meta.model.objects.filter(cycle=self.cycle)

    def get_queryset(self):
        return self.base_queryset()

    def record_key(self, record):
        """What a row's ``_key`` matches a stored record by (its number, by default)."""
        return record.number

    def get_instance(self, instance_loader, row):
        key = row.get("_key")
        if not key:
            return None
        return self._existing.get(key)

    def _check_import_id_fields(self, headers):
        pass  # rows are matched by their code (``get_instance``), not by a column of ids

    def before_import(self, dataset, **kwargs):
        self._existing = {self.record_key(r): r for r in self.get_queryset()}

    progress = None  # a callable(rows done), for the import job's progress bar
    # Each row in its own savepoint, so that a row the database refuses is that row's error;
    # a resource that writes nothing row by row (a bulk write at the end) can do without.
    ROW_SAVEPOINTS = True
    # Whether a dry run saves each row (then rolled back): needed where the checks read what
    # was saved (an action's money rules); otherwise the preview validates without writing.
    DRY_RUN_SAVES = False

    def save_instance(self, instance, is_create, row, **kwargs):
        if kwargs.get("dry_run") and not self.DRY_RUN_SAVES:
            return
        super().save_instance(instance, is_create, row, **kwargs)

    def _dry(self, kwargs) -> bool:
        return bool(kwargs.get("dry_run")) and not self.DRY_RUN_SAVES

    def save_m2m(self, instance, row, **kwargs):
        if not self._dry(kwargs):
            super().save_m2m(instance, row, **kwargs)

    def after_import_row(self, row, row_result, **kwargs):
        number = kwargs.get("row_number") or 0
        if self.progress and number % 500 == 0:
            self.progress(number)

    def before_save_instance(self, instance, row, **kwargs):
        instance.cycle = self.cycle
        instance._history_user = self.user

    def import_instance(self, instance, row, **kwargs):
        if instance.pk is None:
            instance.cycle = self.cycle
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = dict(error.error_dict)
        # Many-to-many cells are read later by django-import-export: read them now, so an
        # unknown value is a message on its cell and not an exception.
        for column in self.get_import_fields():
            if isinstance(column.widget, widgets.ManyToManyWidget) and column.column_name in row:
                try:
                    column.clean(row)
                except ValueError as error:
                    errors[column.attribute] = [ValidationError(str(error))]
        for key in self.extra_columns(row):
            try:
                self.fields[key].clean(row)
            except ValueError as error:
                errors[key] = [ValidationError(str(error))]
        if errors:
            raise ValidationError(errors)

    def get_diff_class(self):
        return _NoDiff

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if original is not None and hasattr(instance, "_prefetched_objects_cache"):
            # ``original`` is a deep copy, which drops what ``get_queryset`` prefetched: a
            # query a relation a row otherwise. Nothing is written before this comparison,
            # so the instance's prefetched relations are the stored ones.
            original._prefetched_objects_cache = dict(instance._prefetched_objects_cache)
        if not super().skip_row(instance, original, row, import_validation_errors):
            return False
        return not self.extras_changed(original, row)

    def extras_changed(self, original, row) -> bool:
        """Whether the row changes what ``extra_columns`` hold (the stored record: ``original``)."""
        return False

    def extra_columns(self, row) -> list[str]:
        """The row's columns made from data (a year's cost, a group's count), not attributes:
        their cells are read with the row so that a bad one is a message on its cell."""
        return []

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        instance.cycle = self.cycle
        validate(instance, import_validation_errors)

    def final_errors(self, labels: dict[str, str], *, dry_run: bool) -> list[RowError]:
        """Rules over several rows, checked once every row is read (and, on a write, saved):
        a resource's money rules. Any error rolls the whole import back."""
        return []

    # The pre-pass: what the widgets cannot see (codes, commune, duplicates)

    def check_commune(self, row, index, labels) -> list[RowError]:
        commune = str(row.get("commune") or "").strip()
        if not commune or norm(commune) == norm(self.cycle.commune.code):
            return []
        return [
            RowError(
                index,
                labels["commune"],
                _(
                    "This row is for the commune “%(other)s”: only rows of %(commune)s "
                    "can be imported here."
                )
                % {"other": commune, "commune": self.cycle.commune.code},
            )
        ]

    @staticmethod
    def unknown_code(code) -> str:
        return _(
            "No record has the code “%(code)s” in this PAC: leave the code empty to add a new one."
        ) % {"code": code}

    @staticmethod
    def duplicate(code, row) -> str:
        return _("The code “%(code)s” is already on row %(row)s of this file.") % {
            "code": code,
            "row": row,
        }

    def known_keys(self) -> set:
        """The keys (``record_key``) of the stored records a code may name."""
        return set(self.base_queryset().values_list("number", flat=True))

    def key_for(self, code: str):
        """The key a code names ("F-03" -> 3), ``None`` when it is no code of this list;
        ``code`` is as ``clean_code`` wrote it."""
        match = re.fullmatch(rf"{self._meta.model.PREFIX}-?0*(\d+)", code)
        return int(match.group(1)) if match else None

    @staticmethod
    def clean_code(value) -> str:
        return str(value or "").strip().upper()

    def check_rows(self, rows: list[dict], labels: dict[str, str]) -> list[RowError]:
        """Codes, commune and duplicates; sets each row's ``_key`` (``None``: a new record)."""
        errors = []
        known = self.known_keys()
        seen: dict = {}
        for index, row in enumerate(rows, start=2):
            errors += self.check_commune(row, index, labels)
            code = self.clean_code(row.get("code"))
            row["_key"] = None
            if not code:
                continue
            key = self.key_for(code)
            if key is None or key not in known:
                errors.append(RowError(index, labels["code"], self.unknown_code(code)))
            elif key in seen:
                errors.append(RowError(index, labels["code"], self.duplicate(code, seen[key])))
            else:
                seen[key] = index
                row["_key"] = key
        return errors


@dataclass
class Sheet:
    """A list that round-trips: its resource, its step, the list page it comes from."""

    kind: str
    resource: type[CycleResource]
    title: object
    list_url: str

    @property
    def step(self) -> int:
        return self.resource.STEP


SHEETS: dict[str, Sheet] = {}


def register(kind: str, resource: type[CycleResource], *, title, list_url: str) -> None:
    SHEETS[kind] = Sheet(kind, resource, title, list_url)


# --- Writing ---


def labels_in(resource: CycleResource, language: str | None = None) -> dict[str, str]:
    with translation.override(language or translation.get_language()):
        return {c.column_name: str(c.label) for c in resource.columns()}


def rows_for(resource: CycleResource, queryset=None):
    """The export's rows, cells escaped, in the active language."""
    columns = resource.columns()
    for record in queryset if queryset is not None else resource.get_queryset():
        yield [escape(resource.export_field(c, record)) for c in columns]


def write_xlsx(fileobj, headers: list[str], rows, *, help_rows=None, title="") -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=(title or _("Data"))[:31])
    if translation.get_language_bidi():
        sheet.sheet_view.rightToLeft = True
    bold = Font(bold=True)
    head = []
    for text in headers:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        head.append(cell)
    sheet.append(head)
    for row in rows:
        sheet.append([_text_cell(sheet, v) if isinstance(v, str) else v for v in row])
    if help_rows is not None:
        notes = book.create_sheet(title=_("Columns")[:31])
        for row in help_rows:
            notes.append(row)
    book.save(fileobj)


def _text_cell(sheet, value):
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"  # never a formula, whatever the text
    return cell


def write_csv(fileobj, headers: list[str], rows) -> None:
    """UTF-8 with a byte-order mark, so Excel opens Arabic text right; "," separated."""
    fileobj.write("\ufeff")
    writer = csv.writer(fileobj)
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])


def help_rows(resource: CycleResource) -> list[list[str]]:
    """The template's second sheet: each column in French and Arabic, what it takes."""
    heads = [
        "Colonne",
        "العمود",
        "Obligatoire / إلزامي",
        "Explication",
        "الشرح",
        "Valeurs permises / القيم المسموح بها",
    ]
    out = [heads]
    for column in resource.columns():
        texts = {}
        for language in ("fr", "ar"):
            with translation.override(language):
                texts[language] = (str(column.label), str(column.help))
        allowed = ""
        if column.allowed is not None:
            allowed = column.allowed() if callable(column.allowed) else str(column.allowed)
        elif isinstance(column.widget, ChoiceWidget):
            with translation.override("fr"):
                allowed = column.widget.allowed()
        elif isinstance(column.widget, ReferenceWidget | ReferenceListWidget):
            model = column.widget.lookup.model
            allowed = "; ".join(
                f"{i.code} = {i.name_fr} / {i.name_ar}" for i in model.objects.filter(active=True)
            )
        out.append(
            [
                texts["fr"][0],
                texts["ar"][0],
                "oui / نعم" if column.required else "non / لا",
                texts["fr"][1],
                texts["ar"][1],
                allowed,
            ]
        )
    return out


# --- Reading ---


def not_a_sheet() -> str:
    return _("This file is not a spreadsheet this page reads: send an .xlsx or a .csv file.")


def damaged() -> str:
    return _("This Excel file is damaged: open it in Excel and save it again.")


def sniff_kind(head: bytes, name: str) -> str:
    lower = (name or "").lower()
    if head.startswith(b"PK\x03\x04"):
        if not lower.endswith(".xlsx"):
            raise Refused(not_a_sheet())
        return "xlsx"
    if lower.endswith(".xlsx"):
        raise Refused(
            _("This file is named .xlsx but is not an Excel workbook: save it again as .xlsx.")
        )
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise Refused(_("This is an old Excel file (.xls): save it as .xlsx and send it again."))
    if not lower.endswith(".csv") or b"\x00" in head:
        raise Refused(not_a_sheet())
    return "csv"


def read_table(fileobj, name: str) -> list[list]:
    """The rows of the first sheet (header first), trailing empty rows dropped; or ``Refused``."""
    fileobj.seek(0, io.SEEK_END)
    size = fileobj.tell()
    fileobj.seek(0)
    if size == 0:
        raise Refused(_("The file is empty."))
    if size > MAX_BYTES:
        raise Refused(
            _("The file is too large (%(size)s MB): the limit is %(limit)s MB. Split it in parts.")
            % {"size": round(size / 1048576, 1), "limit": round(MAX_BYTES / 1048576)}
        )
    kind = sniff_kind(fileobj.read(512), name)
    fileobj.seek(0)
    rows = _read_xlsx(fileobj) if kind == "xlsx" else _read_csv(fileobj)
    while rows and all(v in (None, "") for v in rows[-1]):
        rows.pop()
    if not rows or all(v in (None, "") for v in rows[0]):
        raise Refused(_("The file is empty: its first row should hold the column names."))
    if len(rows) - 1 > MAX_ROWS:
        raise Refused(
            _("The file has %(rows)s rows: the limit is %(limit)s rows a file. Split it in parts.")
            % {"rows": len(rows) - 1, "limit": MAX_ROWS}
        )
    return rows


def _read_csv(fileobj) -> list[list]:
    raw = fileobj.read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Refused(
            _("This CSV file is not in UTF-8: save it as “CSV UTF-8” and send it again.")
        ) from None
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    if len(rows) - 1 > MAX_ROWS:
        raise Refused(
            _("The file has %(rows)s rows: the limit is %(limit)s rows a file. Split it in parts.")
            % {"rows": len(rows) - 1, "limit": MAX_ROWS}
        )
    return [[v.strip() or None for v in row] for row in rows]


def _check_zip(fileobj) -> str:
    """The first sheet's part name, once the zip is known not to be a bomb."""
    try:
        archive = zipfile.ZipFile(fileobj)
    except zipfile.BadZipFile:
        raise Refused(damaged()) from None
    total = 0
    for info in archive.infolist():
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if total > MAX_UNZIPPED or (info.file_size > 1_000_000 and ratio > MAX_RATIO):
            raise Refused(_("This Excel file expands to far more than it weighs: it was refused."))
    names = archive.namelist()
    sheets = sorted(n for n in names if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n))
    if not sheets:
        raise Refused(damaged())
    first = "xl/worksheets/sheet1.xml" if "xl/worksheets/sheet1.xml" in sheets else sheets[0]
    with archive.open(first) as part:
        tail = b""
        while chunk := part.read(1 << 20):
            if b"<mergeCell " in tail + chunk:
                raise Refused(
                    _(
                        "The first sheet has merged cells: unmerge them (one value a cell) "
                        "and send it again."
                    )
                )
            tail = chunk[-20:]
    return first


def _read_xlsx(fileobj) -> list[list]:
    from openpyxl import load_workbook

    _check_zip(fileobj)
    fileobj.seek(0)
    try:
        book = load_workbook(fileobj, read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds on a damaged file
        raise Refused(damaged()) from None
    sheet = book.worksheets[0]
    rows = []
    try:
        for number, row in enumerate(sheet.iter_rows(), start=1):
            values = []
            for cell in row:
                if getattr(cell, "data_type", None) == "f":
                    raise Refused(
                        _(
                            "Cell %(cell)s holds a formula: copy the column and paste it as "
                            "values only, then send the file again."
                        )
                        % {"cell": f"{cell.column_letter}{number}"}
                    )
                value = cell.value
                if isinstance(value, str):
                    value = value.strip() or None
                values.append(value)
            rows.append(values)
            if number > MAX_ROWS + 1:
                raise Refused(
                    _("The file has more than %(limit)s rows: split it in parts.")
                    % {"limit": MAX_ROWS}
                )
    finally:
        book.close()
    return rows


def map_headers(resource: CycleResource, header: list) -> tuple[list[str | None], list[str]]:
    """Each column's key, from its label in French, Arabic or English (or the key itself)."""
    known: dict[str, str] = {}
    for column in resource.columns():
        known[norm(column.column_name)] = column.column_name
        for language in ("en", "fr", "ar"):
            with translation.override(language):
                known[norm(column.label)] = column.column_name
    keys, problems = [], []
    for position, title in enumerate(header, start=1):
        if title in (None, ""):
            keys.append(None)
            continue
        key = known.get(norm(title))
        if key is None:
            problems.append(
                _("Column %(n)s, “%(title)s”, is not a column of this list (see the template).")
                % {"n": position, "title": title}
            )
        elif key in keys:
            problems.append(_("The column “%(title)s” appears twice.") % {"title": title})
        keys.append(key)
    labels = labels_in(resource)
    for column in resource.columns():
        if column.required and column.column_name not in keys:
            problems.append(
                _("The column “%(title)s” is missing.") % {"title": labels[column.column_name]}
            )
    return keys, problems


def run(resource: CycleResource, table: list[list], *, dry_run: bool) -> Outcome:
    """Check (``dry_run``) or write the rows; a write with any error writes nothing."""
    labels = labels_in(resource)
    outcome = Outcome(rows=len(table) - 1)
    keys, problems = map_headers(resource, table[0])
    if problems:
        outcome.errors = [RowError(1, "", p) for p in problems]
        return outcome
    rows = []
    for values in table[1:]:
        row = {k: unescape(values[i]) if i < len(values) else None for i, k in enumerate(keys) if k}
        rows.append(row)
    outcome.errors = resource.check_rows(rows, labels)
    if outcome.errors:
        return outcome
    dataset = Dataset(headers=[*sorted({k for k in keys if k}), "_key"])
    for row in rows:
        dataset.append([row.get(h) for h in dataset.headers])
    with transaction.atomic():
        savepoints = dry_run or resource.ROW_SAVEPOINTS
        result = resource.import_data(dataset, dry_run=dry_run, use_transactions=savepoints)
        failed = result.has_errors() or result.has_validation_errors()
        if not failed:
            outcome.errors = resource.final_errors(labels, dry_run=dry_run)
        if dry_run or failed or outcome.errors:
            transaction.set_rollback(True)
    attribute_label = {
        c.attribute: labels[c.column_name] for c in resource.columns() if c.attribute
    }
    for invalid in result.invalid_rows:
        for name, messages in invalid.error_dict.items():
            column = "" if name == NON_FIELD_ERRORS else attribute_label.get(name, name)
            for message in messages:
                outcome.errors.append(RowError(invalid.number + 1, column, str(message)))
    for number, errors in result.row_errors():
        for error in errors:
            text = error.error
            if isinstance(text, ValidationError):
                text = "; ".join(text.messages)
            outcome.errors.append(RowError(number + 1, "", str(text)))
    outcome.errors.sort(key=lambda e: e.row)
    totals = result.totals
    outcome.new, outcome.update, outcome.skip = totals["new"], totals["update"], totals["skip"]
    return outcome


def _load(fileobj, name, kind, cycle, user, private, progress):
    sheet = SHEETS[kind]
    table = read_table(fileobj, name)
    resource = sheet.resource(cycle=cycle, user=user, private=private)
    resource.progress = progress
    return sheet, resource, table


def dry_run(fileobj, *, kind, cycle, user, name="import.xlsx", private=True, progress=None):
    """Check a file for the sheet ``kind`` of ``cycle``: its ``Outcome`` (rows to add,
    update, skip; errors), nothing written. ``Refused`` for a file that cannot be read."""
    _sheet, resource, table = _load(fileobj, name, kind, cycle, user, private, progress)
    return run(resource, table, dry_run=True)


def confirm(fileobj, *, kind, cycle, user, name="import.xlsx", private=True, progress=None):
    """Write a file for the sheet ``kind`` of ``cycle``: every row or none (an ``Outcome`` with
    errors wrote nothing), through the step's write lock (``StepLocked`` on a submitted or
    validated step); the history records ``user``."""
    from .services import step_write

    sheet, resource, table = _load(fileobj, name, kind, cycle, user, private, progress)
    with transaction.atomic():
        step_write(cycle=cycle, step=sheet.step, by=user)
        outcome = run(resource, table, dry_run=False)
        if not outcome.ok:
            transaction.set_rollback(True)
    return outcome


__all__ = [
    "confirm",
    "dry_run",
    "CycleResource",
    "BooleanWidget",
    "ChoiceWidget",
    "CodeListWidget",
    "Column",
    "code_column",
    "column",
    "optional_text",
    "read_only",
    "required_text",
    "DateWidget",
    "DecimalWidget",
    "IntegerWidget",
    "Outcome",
    "ReferenceListWidget",
    "ReferenceWidget",
    "Refused",
    "RowError",
    "SHEETS",
    "TextWidget",
    "models",
    "read_table",
    "register",
    "run",
]
