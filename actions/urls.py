"""Steps 4-5 pages, under /communes/<code>/pac/<first year>/plan/ (see prim/urls.py)."""

from django.urls import path

from communes.generic import record_paths

from . import views

urlpatterns = [
    # Step 4: prioritisation and the council's decision.
    path("", views.grid, name="actions_grid"),
    path("criteria/", views.criteria, name="actions_criteria"),
    path("scores/<uuid:uuid>/<slug:kind>/", views.score_cell, name="actions_score"),
    path("decision/", views.decision, name="actions_decision"),
    path("decision/save/", views.decision_save, name="actions_decision_save"),
    # Step 5: the PAC and its action sheets.
    path("pac/", views.pac, name="actions_pac"),
    path("actions/<uuid:uuid>/", views.action_detail, name="actions_action"),
    *record_paths(
        "actions/", "actions_action", views.action_create, views.action_edit, views.action_delete
    ),
]
