"""Admin bases shared by the apps' admins (reference lists: national administrators only)."""

from __future__ import annotations

from django.apps import apps
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .permissions import is_national_admin
from .reference import ReferenceItem

# What every reference list shows in the admin; a list's own columns come after "name_ar".
REFERENCE_COLUMNS = ("code", "name_fr", "name_ar", "order", "active")


class NationalAdminOnly:
    """Reference lists change only at the hands of national administrators."""

    def has_view_permission(self, request, obj=None):
        return is_national_admin(request.user) or super().has_view_permission(request, obj)

    def has_module_permission(self, request):
        return is_national_admin(request.user) or super().has_module_permission(request)

    def has_add_permission(self, request):
        return is_national_admin(request.user)

    def has_change_permission(self, request, obj=None):
        return is_national_admin(request.user)

    def has_delete_permission(self, request, obj=None):
        # Rows used by records are protected (PROTECT): deactivate them instead.
        return is_national_admin(request.user)

    def has_import_permission(self, request):
        return is_national_admin(request.user)

    def has_export_permission(self, request):
        return is_national_admin(request.user)


class ReferenceColumns:
    """The columns of a reference list in the admin: codes, FR and AR names, order, active."""

    list_display = REFERENCE_COLUMNS
    list_editable = ("order", "active")
    search_fields = ("code", "name_fr", "name_ar")


class ReferenceAdmin(NationalAdminOnly, ReferenceColumns, SimpleHistoryAdmin):
    """A reference list that needs nothing of its own in the admin."""


def register_reference_lists(app_label: str) -> None:
    """Register every reference list (``ReferenceItem``) of an app that has no admin of its own
    yet: call it at the end of the app's ``admin.py``, after the lists that need their own."""
    for model in apps.get_app_config(app_label).get_models():
        if issubclass(model, ReferenceItem) and not admin.site.is_registered(model):
            admin.site.register(model, ReferenceAdmin)
