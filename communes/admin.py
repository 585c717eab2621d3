from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from import_export import resources
from import_export.admin import ImportExportMixin
from import_export.fields import Field
from import_export.widgets import ForeignKeyWidget
from simple_history.admin import SimpleHistoryAdmin

from .models import Commune, Job, Membership, PlanningCycle, Province, Region, StepStatus, User
from .permissions import is_national_admin


def administers(user) -> bool:
    """Who manages the territory, users and memberships here: national administrators, and a
    superuser (made on the server's command line) so that the first national role can be given.
    Django's model permissions and the staff flag alone grant nothing: the admin follows the
    same roles as the application."""
    return is_national_admin(user) or (user.is_active and user.is_superuser)


class AdministeredAdmin:
    """Rights from the user's role, never from a model permission ("change membership" would
    let any staff user make anyone a national administrator)."""

    def has_module_permission(self, request):
        return administers(request.user)

    def has_view_permission(self, request, obj=None):
        return administers(request.user)

    def has_add_permission(self, request, *args):
        return administers(request.user)

    def has_change_permission(self, request, obj=None):
        return administers(request.user)

    def has_delete_permission(self, request, obj=None):
        return administers(request.user)

    def has_import_permission(self, request):
        return administers(request.user)

    def has_export_permission(self, request):
        return administers(request.user)


class StepRecordAdmin(SimpleHistoryAdmin):
    """Step records are read here, written only through the step pages and their services:
    an edit here would skip the step's lock and the record's version (an editor's later save
    would silently undo it). National administrators read them, for support."""

    def has_module_permission(self, request):
        return is_national_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return is_national_admin(request.user)

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # django-simple-history saves a "revert" posted by anyone who may *view* the record.
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class StepRecordInline:
    """Rows shown inside a step record: read-only like it."""

    extra = 0
    can_delete = False

    def has_view_permission(self, request, obj=None):
        return is_national_admin(request.user)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Region)
class RegionAdmin(AdministeredAdmin, SimpleHistoryAdmin):
    list_display = ("code", "name_fr", "name_ar")
    search_fields = ("code", "name_fr", "name_ar")


@admin.register(Province)
class ProvinceAdmin(AdministeredAdmin, SimpleHistoryAdmin):
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


class TerritoryResource(resources.ModelResource):
    """The whole territory in one file, one row a commune with its province and region (the
    1,503 communes of the country): regions and provinces are created or renamed on the way,
    everything matched by its code. Format: NOTES_README / README, "The territory file"."""

    region_code = Field(column_name="region_code")
    region_name_fr = Field(column_name="region_name_fr")
    region_name_ar = Field(column_name="region_name_ar")
    province = Field(
        attribute="province", column_name="province_code", widget=ForeignKeyWidget(Province, "code")
    )
    province_name_fr = Field(column_name="province_name_fr")
    province_name_ar = Field(column_name="province_name_ar")
    province_kind = Field(column_name="province_kind")

    class Meta:
        model = Commune
        import_id_fields = ("code",)
        fields = (
            "region_code",
            "region_name_fr",
            "region_name_ar",
            "province",
            "province_name_fr",
            "province_name_ar",
            "province_kind",
            "code",
            "name_fr",
            "name_ar",
            "kind",
            "population",
            "population_year",
        )
        skip_unchanged = True
        report_skipped = True
        use_transactions = True
        clean_model_instances = True

    def dehydrate_region_code(self, commune):
        return commune.province.region.code

    def dehydrate_region_name_fr(self, commune):
        return commune.province.region.name_fr

    def dehydrate_region_name_ar(self, commune):
        return commune.province.region.name_ar

    def dehydrate_province_name_fr(self, commune):
        return commune.province.name_fr

    def dehydrate_province_name_ar(self, commune):
        return commune.province.name_ar

    def dehydrate_province_kind(self, commune):
        return commune.province.kind

    def get_queryset(self):
        return Commune.objects.select_related("province__region").order_by("code")

    def _upsert(self, model, lookup: dict, values: dict, user):
        record = model.objects.filter(**lookup).first() or model(**lookup)
        changed = [
            k for k, v in values.items() if v not in (None, "") and getattr(record, k, None) != v
        ]
        if record.pk is None or changed:
            for key in changed:
                setattr(record, key, values[key])
            record._history_user = user
            record.full_clean()
            record.save()
        return record

    def before_import_row(self, row, **kwargs):
        """Create or rename the row's region and province first (inside the import's
        transaction: a dry run leaves nothing behind)."""
        user = kwargs.get("user")
        text = {k: str(row.get(k) or "").strip() for k in row}
        if not text.get("province_code"):
            return
        region = None
        if text.get("region_code"):
            region = self._upsert(
                Region,
                {"code": text["region_code"].zfill(2)},
                {"name_fr": text.get("region_name_fr"), "name_ar": text.get("region_name_ar")},
                user,
            )
        elif not Province.objects.filter(code=text["province_code"]).exists():
            raise ValueError("region_code: a new province needs its region's code.")
        values = {
            "name_fr": text.get("province_name_fr"),
            "name_ar": text.get("province_name_ar"),
            "kind": text.get("province_kind") or None,
        }
        if region is not None:
            values["region"] = region
        self._upsert(Province, {"code": text["province_code"]}, values, user)

    def before_save_instance(self, instance, row, **kwargs):
        instance._history_user = kwargs.get("user")

    def import_data(self, dataset, dry_run=False, **kwargs):
        """All or nothing: a row in error rolls back the whole file."""
        with transaction.atomic():
            result = super().import_data(dataset, dry_run=dry_run, **kwargs)
            if result.has_errors() or result.has_validation_errors():
                transaction.set_rollback(True)
        return result


@admin.register(Commune)
class CommuneAdmin(AdministeredAdmin, ImportExportMixin, SimpleHistoryAdmin):
    resource_classes = [TerritoryResource, CommuneResource]
    list_display = ("code", "name_fr", "name_ar", "name_zgh", "kind", "province", "population")
    list_filter = ("kind", "province__region")
    search_fields = ("code", "name_fr", "name_ar")
    list_select_related = ("province",)


class MembershipInline(AdministeredAdmin, admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("commune", "province", "region")


@admin.register(User)
class UserAdmin(AdministeredAdmin, BaseUserAdmin, SimpleHistoryAdmin):
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(AdministeredAdmin, SimpleHistoryAdmin):
    list_display = ("user", "role", "commune", "province", "region")
    list_filter = ("role",)
    search_fields = ("user__username", "commune__name_fr", "province__name_fr", "region__name_fr")
    list_select_related = ("user", "commune", "province", "region")
    autocomplete_fields = ("user", "commune", "province", "region")


class StepStatusInline(StepRecordInline, admin.TabularInline):
    model = StepStatus
    readonly_fields = ("step", "status", "changed_by", "changed_at", "comment")


@admin.register(PlanningCycle)
class PlanningCycleAdmin(StepRecordAdmin):
    """Cycles are opened by their commune's editor (``services.cycle_open`` refuses overlaps)."""

    list_display = ("commune", "start_year", "end_year")
    list_filter = ("commune__province__region",)
    search_fields = ("commune__name_fr", "commune__code")
    list_select_related = ("commune",)
    inlines = [StepStatusInline]


# --- Steps 1-2: awareness sessions and trainings -------------------------------------------
from .records import AwarenessSession, SessionAttachment, SessionAttendance, Trainee, Training  # noqa: E402


class SessionAttendanceInline(StepRecordInline, admin.TabularInline):
    model = SessionAttendance
    fields = ("category", "women", "men")  # the counts after what they count


class SessionAttachmentInline(StepRecordInline, admin.TabularInline):
    model = SessionAttachment
    fields = ("kind", "original_name", "content_type", "size")
    readonly_fields = ("kind", "original_name", "content_type", "size")


@admin.register(AwarenessSession)
class AwarenessSessionAdmin(StepRecordAdmin):
    list_display = ("date", "place", "format", "cycle")
    list_filter = ("format", "cycle__commune__province__region")
    search_fields = ("place", "facilitator", "cycle__commune__name_fr")
    list_select_related = ("cycle__commune",)
    inlines = [SessionAttendanceInline, SessionAttachmentInline]


class TraineeInline(StepRecordInline, admin.TabularInline):
    model = Trainee


@admin.register(Training)
class TrainingAdmin(StepRecordAdmin):
    list_display = ("title", "start_date", "end_date", "days", "cycle")
    list_filter = ("cycle__commune__province__region",)
    search_fields = ("title", "trainer", "cycle__commune__name_fr")
    list_select_related = ("cycle__commune",)
    inlines = [TraineeInline]


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
