from django.contrib import admin

from communes.admin_base import ReferenceAdmin, register_reference_lists

from .models import FinancingSource


@admin.register(FinancingSource)
class FinancingSourceAdmin(ReferenceAdmin):
    """The sources of the financing plans; a donor programme's years limit its money."""

    list_display = ("code", "name_fr", "name_ar", "first_year", "last_year", "order", "active")


# National administrators keep the strategies' reference lists (FR and AR names).
register_reference_lists("actions")
