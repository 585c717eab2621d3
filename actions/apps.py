from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActionsConfig(AppConfig):
    name = "actions"
    verbose_name = _("Prioritisation and PAC actions")

    def ready(self) -> None:
        from . import exports, resources, selectors  # noqa: F401 (exports: its job handler)

        selectors.register()
        resources.register_sheets()

        # The annex is rebuilt in the background after every change it shows.
        from .annex import tasks as annex_tasks

        annex_tasks.connect()
        # The frozen annex's job handler.
        from . import adoption, report_pdf  # noqa: F401
