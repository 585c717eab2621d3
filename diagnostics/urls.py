"""Step 3 pages, under /communes/<code>/pac/<first year>/diagnosis/ (see prim/urls.py)."""

from django.urls import path

from communes.generic import record_paths

from . import views

urlpatterns = [
    path("", views.summary, name="diagnosis"),
    path("sessions/", views.session_list, name="diagnosis_sessions"),
    path("sessions/<uuid:uuid>/", views.session_detail, name="diagnosis_session"),
    *record_paths(
        "sessions/",
        "diagnosis_session",
        views.session_create,
        views.session_edit,
        views.session_delete,
    ),
    *record_paths(
        "profile/", "diagnosis_figure", views.figure_create, views.figure_edit, views.figure_delete
    ),
    path("findings/", views.finding_list, name="diagnosis_findings"),
    *record_paths(
        "findings/",
        "diagnosis_finding",
        views.finding_create,
        views.finding_edit,
        views.finding_delete,
    ),
    path("ideas/", views.idea_list, name="diagnosis_ideas"),
    path("ideas/<uuid:uuid>/", views.idea_detail, name="diagnosis_idea"),
    *record_paths(
        "ideas/", "diagnosis_idea", views.idea_create, views.idea_edit, views.idea_delete
    ),
]
