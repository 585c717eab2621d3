from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from import_export import resources
from import_export.admin import ImportExportMixin
from import_export.fields import Field
from import_export.widgets import ForeignKeyWidget
from simple_history.admin import SimpleHistoryAdmin

from .models import Commune, Membership, PlanningCycle, Province, Region, StepStatus, User


@admin.register(Region)
class RegionAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name_fr", "name_ar")
    search_fields = ("code", "name_fr", "name_ar")


@admin.register(Province)
class ProvinceAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name_fr", "name_ar", "kind", "region")
    list_filter = ("region", "kind")
    search_fields = ("code", "name_fr", "name_ar")
    list_select_related = ("region",)


class CommuneResource(resources.ModelResource):
    """Spreadsheet import of communes (the 1,503 of the country), matched on their code."""

    province = Field(
        attribute="province", column_name="province", widget=ForeignKeyWidget(Province, "code")
    )

    class Meta:
        model = Commune
        import_id_fields = ("code",)
        fields = ("code", "name_fr", "name_ar", "kind", "province", "population", "population_year")
        skip_unchanged = True
        use_transactions = True


@admin.register(Commune)
class CommuneAdmin(ImportExportMixin, SimpleHistoryAdmin):
    resource_classes = [CommuneResource]
    list_display = ("code", "name_fr", "name_ar", "kind", "province", "population")
    list_filter = ("kind", "province__region")
    search_fields = ("code", "name_fr", "name_ar")
    list_select_related = ("province",)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("commune", "region")


@admin.register(User)
class UserAdmin(BaseUserAdmin, SimpleHistoryAdmin):
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ("user", "role", "commune", "region")
    list_filter = ("role",)
    search_fields = ("user__username", "commune__name_fr", "region__name_fr")
    list_select_related = ("user", "commune", "region")
    autocomplete_fields = ("user", "commune", "region")


class StepStatusInline(admin.TabularInline):
    model = StepStatus
    extra = 0
    can_delete = False
    readonly_fields = ("step", "status", "changed_by", "changed_at", "comment")


@admin.register(PlanningCycle)
class PlanningCycleAdmin(SimpleHistoryAdmin):
    list_display = ("commune", "start_year", "end_year")
    list_filter = ("commune__province__region",)
    search_fields = ("commune__name_fr", "commune__code")
    list_select_related = ("commune",)
    inlines = [StepStatusInline]


# --- Steps 1-2: awareness sessions and trainings -------------------------------------------
from .records import AwarenessSession, SessionAttachment, SessionAttendance, Trainee, Training  # noqa: E402


class SessionAttendanceInline(admin.TabularInline):
    model = SessionAttendance
    extra = 0


class SessionAttachmentInline(admin.TabularInline):
    model = SessionAttachment
    extra = 0
    fields = ("kind", "original_name", "content_type", "size")
    readonly_fields = ("kind", "original_name", "content_type", "size")


@admin.register(AwarenessSession)
class AwarenessSessionAdmin(SimpleHistoryAdmin):
    list_display = ("date", "place", "format", "cycle")
    list_filter = ("format", "cycle__commune__province__region")
    search_fields = ("place", "facilitator", "cycle__commune__name_fr")
    list_select_related = ("cycle__commune",)
    inlines = [SessionAttendanceInline, SessionAttachmentInline]


class TraineeInline(admin.TabularInline):
    model = Trainee
    extra = 0


@admin.register(Training)
class TrainingAdmin(SimpleHistoryAdmin):
    list_display = ("title", "start_date", "end_date", "days", "cycle")
    list_filter = ("cycle__commune__province__region",)
    search_fields = ("title", "trainer", "cycle__commune__name_fr")
    list_select_related = ("cycle__commune",)
    inlines = [TraineeInline]
