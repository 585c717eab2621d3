from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunesConfig(AppConfig):
    name = "communes"
    verbose_name = _("Territory, people and PAC cycles")

    def ready(self) -> None:
        # Steps 1 (awareness) and 2 (training) live in this app: register their selectors.
        from . import imports, resources, selectors  # noqa: F401 (imports: its job handler)

        selectors.register()
        resources.register_sheets()
