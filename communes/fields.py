"""Amounts typed as the language writes them: "150 000,50" in French, "150 000,50" in Arabic.

Forms show amounts with the language's grouping and decimal comma (``communes.numbers``)
and read back what people type: any kind of space between the thousands, a decimal comma
(or a point), the Arabic decimal separator and Arabic-Indic digits.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.formats import get_format

from .numbers import amount

_SPACES = re.compile(r"[\s\u00a0\u202f\u2009\u2007]+")
# Arabic-Indic and Eastern Arabic-Indic digits (Moroccan usage writes 0-9, phones may not).
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


class AmountInput(forms.TextInput):
    """A text box (a number box cannot show "150 000,50") with the decimal keypad on phones."""

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, (Decimal, int, float)) and not isinstance(value, bool):
            try:
                return amount(value)
            except (InvalidOperation, ValueError):
                return str(value)
        return super().format_value(value)


class AmountField(forms.DecimalField):
    widget = AmountInput

    def __init__(self, **kwargs):
        kwargs.setdefault("localize", True)
        super().__init__(**kwargs)
        # DecimalField sets the attributes of a number box; a text box takes none of them.
        for name in ("step", "min", "max"):
            self.widget.attrs.pop(name, None)

    def widget_attrs(self, widget):
        return {}

    def to_python(self, value):
        if isinstance(value, str):
            value = _SPACES.sub("", value.translate(_DIGITS))
            value = value.replace("٫", get_format("DECIMAL_SEPARATOR"))
        return super().to_python(value)
