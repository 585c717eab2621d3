"""Admin bases shared by the apps' admins (reference lists: national administrators only)."""

from __future__ import annotations

from .permissions import is_national_admin


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
