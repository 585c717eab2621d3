from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiagnosticsConfig(AppConfig):
    name = "diagnostics"
    verbose_name = _("Participatory diagnosis")

    def ready(self) -> None:
        from . import resources, selectors

        selectors.register()
        resources.register_sheets()
