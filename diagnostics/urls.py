"""Step 3 pages, under /communes/<code>/pac/<first year>/diagnosis/ (see prim/urls.py)."""

from django.urls import path

from communes.generic import record_paths

from . import views

app_name = "diagnostics"

urlpatterns = [
    path("", views.summary, name="summary"),
    path("sessions/", views.session_list, name="sessions"),
    path("sessions/<uuid:uuid>/", views.session_detail, name="session"),
    *record_paths(
        "sessions/",
        "session",
        views.session_create,
        views.session_edit,
        views.session_delete,
    ),
    *record_paths(
        "profile/", "figure", views.figure_create, views.figure_edit, views.figure_delete
    ),
    path("findings/", views.finding_list, name="findings"),
    *record_paths(
        "findings/",
        "finding",
        views.finding_create,
        views.finding_edit,
        views.finding_delete,
    ),
    path("ideas/", views.idea_list, name="ideas"),
    path("ideas/<uuid:uuid>/", views.idea_detail, name="idea"),
    *record_paths("ideas/", "idea", views.idea_create, views.idea_edit, views.idea_delete),
]
