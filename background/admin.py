from django.contrib import admin

from communes.permissions import is_national_admin

from .models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    """Read-only: what runs in the background, and why a job failed (national administrators).

    The task backend's own list (django-tasks-db's "Task results") shows every attempt with
    its traceback.
    """

    list_display = ("__str__", "kind", "state", "attempts", "requested_at", "finished_at", "error")
    list_filter = ("state", "kind")
    search_fields = ("key", "label")
    ordering = ["-requested_at"]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_view_permission(self, request, obj=None):
        return is_national_admin(request.user) or super().has_view_permission(request, obj)

    def has_module_permission(self, request):
        return is_national_admin(request.user) or super().has_module_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
