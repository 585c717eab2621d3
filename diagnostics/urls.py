"""Step 3 pages, under /communes/<code>/pac/<first year>/diagnosis/ (see prim/urls.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.summary, name="diagnosis"),
    path("sessions/", views.session_list, name="diagnosis_sessions"),
    path("sessions/new/", views.session_create, name="diagnosis_session_create"),
    path("sessions/<uuid:uuid>/", views.session_detail, name="diagnosis_session"),
    path("sessions/<uuid:uuid>/edit/", views.session_edit, name="diagnosis_session_edit"),
    path("sessions/<uuid:uuid>/delete/", views.session_delete, name="diagnosis_session_delete"),
    path("profile/new/", views.figure_create, name="diagnosis_figure_create"),
    path("profile/<uuid:uuid>/edit/", views.figure_edit, name="diagnosis_figure_edit"),
    path("profile/<uuid:uuid>/delete/", views.figure_delete, name="diagnosis_figure_delete"),
    path("findings/", views.finding_list, name="diagnosis_findings"),
    path("findings/new/", views.finding_create, name="diagnosis_finding_create"),
    path("findings/<uuid:uuid>/edit/", views.finding_edit, name="diagnosis_finding_edit"),
    path("findings/<uuid:uuid>/delete/", views.finding_delete, name="diagnosis_finding_delete"),
    path("ideas/", views.idea_list, name="diagnosis_ideas"),
    path("ideas/new/", views.idea_create, name="diagnosis_idea_create"),
    path("ideas/<uuid:uuid>/", views.idea_detail, name="diagnosis_idea"),
    path("ideas/<uuid:uuid>/edit/", views.idea_edit, name="diagnosis_idea_edit"),
    path("ideas/<uuid:uuid>/delete/", views.idea_delete, name="diagnosis_idea_delete"),
]
