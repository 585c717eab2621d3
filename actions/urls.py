"""Steps 4-5 pages, under /communes/<code>/pac/<first year>/plan/ (see prim/urls.py)."""

from django.urls import path

from communes.generic import record_paths

from . import adopted_views, views

app_name = "actions"

urlpatterns = [
    # Step 4: prioritisation and the council's decision.
    path("", views.grid, name="grid"),
    path("criteria/", views.criteria, name="criteria"),
    path("scores/<uuid:uuid>/<slug:kind>/", views.score_cell, name="score"),
    path("decision/", views.decision, name="decision"),
    path("decision/save/", views.decision_save, name="decision_save"),
    # Step 5: the PAC and its action sheets.
    path("pac/", views.pac, name="pac"),
    path("actions/<uuid:uuid>/", views.action_detail, name="action"),
    # After step 5: the PAC's deliberations, the visa, the frozen annexes.
    path("adoption/", adopted_views.legal, name="legal"),
    path("adoption/record/", adopted_views.deliberation_record, name="deliberation_record"),
    path("adoption/<uuid:uuid>/visa/", adopted_views.visa_record, name="visa_record"),
    path(
        "adoption/<uuid:uuid>/<slug:language>.pdf",
        adopted_views.frozen_pdf,
        name="frozen_pdf",
    ),
    # The yearly follow-up of the adopted actions and the annual execution report.
    path("followup/<int:fyear>/", adopted_views.followup_year, name="followup"),
    path("followup/<int:fyear>/report.xlsx", adopted_views.report_xlsx, name="report_xlsx"),
    path(
        "followup/<int:fyear>/report-<slug:language>.pdf",
        adopted_views.report_pdf_file,
        name="report_pdf",
    ),
    path("followup/<int:fyear>/<uuid:uuid>/", adopted_views.action_year, name="action_year"),
    path(
        "followup/<int:fyear>/<uuid:uuid>/save/",
        adopted_views.action_year_save,
        name="action_year_save",
    ),
    *record_paths(
        "actions/", "action", views.action_create, views.action_edit, views.action_delete
    ),
]
