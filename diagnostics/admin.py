"""Reference lists in the admin (spreadsheet import/export); step records stay read-only here.

National administrators edit sectors and target groups; commune records are
entered through the step pages, where access and step locks are enforced.
"""

from django.contrib import admin
from import_export import resources
from import_export.admin import ImportExportMixin
from simple_history.admin import SimpleHistoryAdmin

from communes.admin import StepRecordAdmin
from communes.admin_base import NationalAdminOnly

from .models import ConsultationSession, Finding, MigrationFigure, ProjectIdea, Sector, TargetGroup


class SectorResource(resources.ModelResource):
    class Meta:
        model = Sector
        import_id_fields = ("code",)
        fields = ("code", "name_fr", "name_ar", "order", "active")
        skip_unchanged = True
        use_transactions = True


class TargetGroupResource(resources.ModelResource):
    class Meta:
        model = TargetGroup
        import_id_fields = ("code",)
        fields = (
            "code",
            "name_fr",
            "name_ar",
            "order",
            "active",
            "is_migrant",
            "in_consultation_grid",
        )
        skip_unchanged = True
        use_transactions = True


@admin.register(Sector)
class SectorAdmin(NationalAdminOnly, ImportExportMixin, SimpleHistoryAdmin):
    resource_classes = [SectorResource]
    list_display = ("code", "name_fr", "name_ar", "order", "active")
    list_editable = ("order", "active")
    list_filter = ("active",)
    search_fields = ("code", "name_fr", "name_ar")


@admin.register(TargetGroup)
class TargetGroupAdmin(NationalAdminOnly, ImportExportMixin, SimpleHistoryAdmin):
    resource_classes = [TargetGroupResource]
    list_display = (
        "code",
        "name_fr",
        "name_ar",
        "order",
        "active",
        "is_migrant",
        "in_consultation_grid",
    )
    list_editable = ("order", "active", "is_migrant", "in_consultation_grid")
    list_filter = ("active", "is_migrant", "in_consultation_grid")
    search_fields = ("code", "name_fr", "name_ar")


class ReadOnlyRecordAdmin(StepRecordAdmin):
    """Step records are seen here for support, written only through the step pages."""

    list_select_related = ("cycle__commune",)
    list_filter = ("cycle__commune__province__region",)
    search_fields = ("title", "cycle__commune__name_fr")


@admin.register(ConsultationSession)
class ConsultationSessionAdmin(ReadOnlyRecordAdmin):
    list_display = ("title", "kind", "date", "cycle")


@admin.register(Finding)
class FindingAdmin(ReadOnlyRecordAdmin):
    list_display = ("code", "title", "sector", "severity", "cycle")


@admin.register(ProjectIdea)
class ProjectIdeaAdmin(ReadOnlyRecordAdmin):
    list_display = ("code", "title", "sector", "cycle")


@admin.register(MigrationFigure)
class MigrationFigureAdmin(ReadOnlyRecordAdmin):
    list_display = ("indicator", "total", "year", "source", "cycle")
    search_fields = ()  # figures have no title
