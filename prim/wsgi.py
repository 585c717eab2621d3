import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prim.settings")
application = get_wsgi_application()

# A request declaring a charset that cannot be decoded gets a 400, not a crash (prim.http).
from prim.http import Request  # noqa: E402

application.request_class = Request
