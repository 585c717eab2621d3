"""Reference lists in the admin (spreadsheet import/export); step records stay read-only here.

National administrators edit sectors and target groups; commune records are
entered through the step pages, where access and step locks are enforced.
"""

from django.contrib import admin
from import_export import resources
from import_export.admin import ImportExportMixin
from simple_history.admin import SimpleHistoryAdmin

from communes.admin import StepRecordAdmin
from communes.admin_base import REFERENCE_COLUMNS, NationalAdminOnly, ReferenceColumns

from .models import ConsultationSession, Finding, MigrationFigure, ProjectIdea, Sector, TargetGroup


def reference_resource(model, flags: tuple[str, ...] = ()):
    """The spreadsheet import/export of a reference list, rows matched by code."""
    return resources.modelresource_factory(
        model,
        meta_options={
            "import_id_fields": ("code",),
            "fields": (*REFERENCE_COLUMNS, *flags),
            "skip_unchanged": True,
            "use_transactions": True,
        },
    )


TARGET_GROUP_FLAGS = ("is_migrant", "in_consultation_grid")
SectorResource = reference_resource(Sector)
TargetGroupResource = reference_resource(TargetGroup, TARGET_GROUP_FLAGS)


@admin.register(Sector)
class SectorAdmin(NationalAdminOnly, ImportExportMixin, ReferenceColumns, SimpleHistoryAdmin):
    resource_classes = [SectorResource]
    list_filter = ("active",)


@admin.register(TargetGroup)
class TargetGroupAdmin(SectorAdmin):
    resource_classes = [TargetGroupResource]
    list_display = (*REFERENCE_COLUMNS, *TARGET_GROUP_FLAGS)
    list_editable = ("order", "active", *TARGET_GROUP_FLAGS)
    list_filter = ("active", *TARGET_GROUP_FLAGS)


class ReadOnlyRecordAdmin(StepRecordAdmin):
    """Step records are seen here for support, written only through the step pages."""

    list_select_related = ("cycle__commune",)
    list_filter = ("cycle__commune__province__region",)
    search_fields = ("title", "cycle__commune__name_fr")


# The columns of each step record's list; figures have no title to search.
READ_ONLY_RECORDS = {
    ConsultationSession: {"list_display": ("title", "kind", "date", "cycle")},
    Finding: {"list_display": ("code", "title", "sector", "severity", "cycle")},
    ProjectIdea: {"list_display": ("code", "title", "sector", "cycle")},
    MigrationFigure: {
        "list_display": ("indicator", "total", "year", "source", "cycle"),
        "search_fields": (),
    },
}
for model, options in READ_ONLY_RECORDS.items():
    admin.site.register(model, ReadOnlyRecordAdmin, **options)
