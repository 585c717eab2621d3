"""Form fields every app's forms share."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db import connections, models


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A multiple choice that refuses ids its database column cannot hold.

    An id beyond 64 bits (typed into a crafted form) is an invalid choice like any other;
    Django would hand it to the database, and SQLite cannot even compare it (a 500).
    """

    def _check_values(self, value):
        key = self.to_field_name or "pk"
        meta = self.queryset.model._meta
        column = meta.pk if key == "pk" else meta.get_field(key)
        try:
            low, high = connections[self.queryset.db].ops.integer_field_range(
                column.get_internal_type()
            )
        except KeyError:  # not an integer column (a UUID, a code): nothing to bound
            return super()._check_values(value)
        for item in value:
            try:
                number = int(str(item))
            except ValueError:
                continue  # not a number at all: Django's own check refuses it
            if (low is not None and number < low) or (high is not None and number > high):
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": item},
                )
        return super()._check_values(value)


def formfield(db_field: models.Field, **kwargs):
    """``Meta.formfield_callback`` of model forms: their many-to-many fields use the field above."""
    if isinstance(db_field, models.ManyToManyField):
        kwargs.setdefault("form_class", ModelMultipleChoiceField)
    return db_field.formfield(**kwargs)


# No gathering counts more people; a typo with extra zeros does.
MAX_COUNT = 100_000

# A record's title in the interface language and in Arabic (always right to left).
TITLE_WIDGETS = {
    "title": forms.TextInput(attrs={"dir": "auto"}),
    "title_ar": forms.TextInput(attrs={"dir": "rtl", "lang": "ar"}),
}


def count_field(css_class: str, **kwargs) -> forms.IntegerField:
    """A number of people typed into a grid cell: empty means none."""
    return forms.IntegerField(
        min_value=0,
        max_value=MAX_COUNT,
        required=False,
        widget=forms.NumberInput(
            attrs={
                "class": f"form-control form-control-sm {css_class}",
                "inputmode": "numeric",
                "min": 0,
            }
        ),
        **kwargs,
    )


def tick_boxes(label, choices) -> forms.MultipleChoiceField:
    """Any number of fixed choices (none at all allowed), as a list of tick boxes."""
    return forms.MultipleChoiceField(
        label=label, choices=choices, widget=forms.CheckboxSelectMultiple, required=False
    )
