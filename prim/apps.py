from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrimConfig(AppConfig):
    name = "prim"
    verbose_name = _("PRIM Planner")
