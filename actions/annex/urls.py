"""Under /communes/<code>/pac/<first year>/annex/ (see prim/urls.py)."""

from django.urls import path

from . import views

urlpatterns = [
    # pac_annex: kwargs code, year, language ("fr" or "ar"), e.g. .../annex/ar.pdf
    path("<slug:language>.pdf", views.annex_pdf, name="pac_annex"),
]
