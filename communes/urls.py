from django.urls import path

from . import views

app_name = "communes"

urlpatterns = [
    path("<slug:code>/", views.commune_detail, name="commune"),
    path("<slug:code>/pac/new/", views.cycle_open, name="cycle_open"),
    path("<slug:code>/pac/<int:year>/", views.cycle_detail, name="cycle"),
    path(
        "<slug:code>/pac/<int:year>/steps/<int:step>/submit/",
        views.step_submit,
        name="step_submit",
    ),
    path(
        "<slug:code>/pac/<int:year>/steps/<int:step>/review/",
        views.step_review,
        name="step_review",
    ),
    path(
        "<slug:code>/pac/<int:year>/steps/<int:step>/reopen/",
        views.step_reopen,
        name="step_reopen",
    ),
]

# Steps 1 (awareness sessions) and 2 (trainings), under the commune's PAC cycle.
from . import views_records  # noqa: E402
from .generic import record_paths  # noqa: E402

_cycle = "<slug:code>/pac/<int:year>"
urlpatterns += [
    path(f"{_cycle}/awareness/", views_records.awareness_list, name="awareness_list"),
    path(
        f"{_cycle}/awareness/<uuid:uuid>/",
        views_records.awareness_detail,
        name="awareness_detail",
    ),
    *record_paths(
        f"{_cycle}/awareness/",
        "awareness",
        views_records.awareness_create,
        views_records.awareness_edit,
        views_records.awareness_delete,
    ),
    path(
        f"{_cycle}/awareness/<uuid:uuid>/attachments/",
        views_records.awareness_attachment_add,
        name="awareness_attachment_add",
    ),
    path(
        f"{_cycle}/awareness/<uuid:uuid>/attachments/<uuid:attachment>/",
        views_records.awareness_attachment_file,
        name="awareness_attachment_file",
    ),
    path(
        f"{_cycle}/awareness/<uuid:uuid>/attachments/<uuid:attachment>/thumbnail/",
        views_records.awareness_attachment_thumbnail,
        name="awareness_attachment_thumbnail",
    ),
    path(
        f"{_cycle}/awareness/<uuid:uuid>/attachments/<uuid:attachment>/delete/",
        views_records.awareness_attachment_delete,
        name="awareness_attachment_delete",
    ),
    path(f"{_cycle}/training/", views_records.training_list, name="training_list"),
    path(f"{_cycle}/training/<uuid:uuid>/", views_records.training_detail, name="training_detail"),
    *record_paths(
        f"{_cycle}/training/",
        "training",
        views_records.training_create,
        views_records.training_edit,
        views_records.training_delete,
    ),
]

# Spreadsheet export, template and import of every list that round-trips (communes.imports).
from . import imports  # noqa: E402

_sheet = f"{_cycle}/sheets/<slug:kind>"
urlpatterns += [
    path(f"{_sheet}/export.xlsx", imports.sheet_export, {"fmt": "xlsx"}, name="sheet_export_xlsx"),
    path(f"{_sheet}/export.csv", imports.sheet_export, {"fmt": "csv"}, name="sheet_export_csv"),
    path(f"{_sheet}/template.xlsx", imports.sheet_template, name="sheet_template"),
    path(f"{_sheet}/import/", imports.sheet_import, name="sheet_import"),
    path(f"{_sheet}/import/confirm/", imports.sheet_import_confirm, name="sheet_import_confirm"),
    path(f"{_sheet}/import/status/", imports.sheet_import_status, name="sheet_import_status"),
]
