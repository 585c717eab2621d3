"""Form fields every app's forms share."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.core.exceptions import ValidationError
from django.db import connections, models
from django.utils.translation import gettext_lazy as _


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


class BilingualFormMixin:
    """A model form whose content fields come in French and Arabic, side by side.

    For each field ``x`` of the model's ``BILINGUAL_FIELDS`` in the form, its twin ``x_ar``
    is right-to-left (``dir="rtl" lang="ar"``), the French one left-to-right (``lang="fr"``).
    ``bilingual_required`` names the pairs of which one text is required: either language
    will do, the other stays optional. ``{% crispy form %}`` lays each pair out in two columns
    (``helper``); a hand-written template uses ``{% bilingual_field form "x" %}``.
    """

    bilingual_required: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.bilingual_pairs = [
            name
            for name in getattr(self._meta.model, "BILINGUAL_FIELDS", ())
            if name in self.fields and name + "_ar" in self.fields
        ]
        for name in self.bilingual_pairs:
            french, arabic = self.fields[name], self.fields[name + "_ar"]
            french.widget.attrs.update({"dir": "ltr", "lang": "fr"})
            arabic.widget.attrs.update({"dir": "rtl", "lang": "ar"})
            if name in self.bilingual_required:
                french.required = arabic.required = False
                for field in (french, arabic):
                    field.widget.attrs["data-one-of"] = name
        self.helper = self._bilingual_helper()

    def _bilingual_helper(self):
        helper = FormHelper()
        helper.form_tag = False
        helper.disable_csrf = True
        items, done = [], set()
        for name in self.fields:
            if name in done:
                continue
            if name in self.bilingual_pairs:
                items.append(
                    Row(
                        Column(name, css_class="col-md-6"),
                        Column(name + "_ar", css_class="col-md-6"),
                        css_class="bilingual-pair",
                    )
                )
                done.update({name, name + "_ar"})
            else:
                items.append(name)
                done.add(name)
        helper.layout = Layout(*items)
        return helper

    def clean(self):
        data = super().clean()
        for name in self.bilingual_required:
            if name not in self.bilingual_pairs or name in self.errors:
                continue
            if not (data.get(name) or "").strip() and not (data.get(name + "_ar") or "").strip():
                self.add_error(
                    name,
                    _("Write it in French or in Arabic (one of the two is required)."),
                )
        return data
