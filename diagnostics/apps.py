from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiagnosticsConfig(AppConfig):
    name = "diagnostics"
    verbose_name = _("Participatory diagnosis")

    def ready(self) -> None:
        from communes.steps import register_step

        from . import step_hooks

        register_step(
            3,
            url_name="diagnosis",
            checklist=step_hooks.checklist,
            figures=step_hooks.figures,
            export=step_hooks.export,
        )
