from django.urls import path

from . import views

urlpatterns = [
    path("<slug:code>/", views.commune_detail, name="commune"),
    path("<slug:code>/pac/new/", views.cycle_open, name="cycle_open"),
    path("<slug:code>/pac/<int:year>/", views.cycle_detail, name="cycle"),
    path("<slug:code>/pac/<int:year>/steps/<int:step>/submit/", views.step_submit, name="step_submit"),
]
