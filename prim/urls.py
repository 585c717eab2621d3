from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from actions import views_exports as actions_exports

from . import report_views, views

admin.site.site_header = "PRIM Planner"
admin.site.site_title = "PRIM Planner"

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("language/", login_not_required(set_language), name="set_language"),
    path("regions/", views.country, name="country"),
    path("exports/actions/", actions_exports.national_export, name="national_export"),
    path(
        "exports/actions/file.<str:fmt>",
        actions_exports.national_export_file,
        name="national_export_file",
    ),
    path("regions/<str:code>/", views.region_detail, name="region"),
    # Programme reports (prim/report_views.py): figures, charts, comparison, csv/xlsx.
    path("report/", report_views.country_report, name="country_report"),
    path("regions/<str:code>/report/", report_views.region_report, name="region_report"),
    path("provinces/<slug:code>/", report_views.province_report, name="province_report"),
    path("communes/", include("communes.urls")),
    # Step pages hang under their cycle: /communes/<code>/pac/<first year>/...
    path("communes/<slug:code>/pac/<int:year>/diagnosis/", include("diagnostics.urls")),
    path("communes/<slug:code>/pac/<int:year>/plan/", include("actions.urls")),
    path("communes/<slug:code>/pac/<int:year>/annex/", include("actions.annex.urls")),
    path("admin/", admin.site.urls),
    path("health/", views.health_check, name="health"),
    path("help/", views.help_index, name="help"),
    path("help/steps/<int:number>/", views.help_step, name="help_step"),
    path("privacy/", views.privacy, name="privacy"),
    # Browsers and bookmarks ask for /favicon.ico whatever the page says.
    path("favicon.ico", views.favicon),
]

handler400 = "prim.views.bad_request"
handler403 = "prim.views.permission_denied"
handler404 = "prim.views.page_not_found"
handler500 = "prim.views.server_error"
