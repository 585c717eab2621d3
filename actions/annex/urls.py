"""Under /communes/<code>/pac/<first year>/annex/ (see prim/urls.py)."""

from django.urls import path

from . import views

app_name = "annex"

urlpatterns = [
    # pac_annex_status: the annex box (htmx) or a page saying it is being prepared
    path("", views.annex_status, name="status"),
    # pac_annex: kwargs code, year, language ("fr" or "ar"), e.g. .../annex/ar.pdf
    path("<slug:language>.pdf", views.annex_pdf, name="pdf"),
    # pac_annex_previous: the last PDF built, up to date or not, e.g. .../annex/ar/previous.pdf
    path("<slug:language>/previous.pdf", views.annex_previous, name="previous"),
]
