from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from communes.admin_base import NationalAdminOnly

from .models import FinancingSource, SniaProgramme, SnmreObjective


@admin.register(SniaProgramme, SnmreObjective)
class StrategyReferenceAdmin(NationalAdminOnly, SimpleHistoryAdmin):
    """National administrators keep the strategies' reference lists (FR and AR names)."""

    list_display = ["code", "name_fr", "name_ar", "order", "active"]
    list_editable = ["order", "active"]
    search_fields = ["code", "name_fr", "name_ar"]


@admin.register(FinancingSource)
class FinancingSourceAdmin(StrategyReferenceAdmin):
    """The sources of the financing plans; a donor programme's years limit its money."""

    list_display = ["code", "name_fr", "name_ar", "first_year", "last_year", "order", "active"]
