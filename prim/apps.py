from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrimConfig(AppConfig):
    name = "prim"
    verbose_name = _("PRIM Planner")

    def ready(self):
        from communes.signals import cycles_changed

        from .figures import forget

        cycles_changed.connect(forget, dispatch_uid="prim-forget-figures")
