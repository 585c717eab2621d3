from csp.constants import UNSAFE_INLINE
from csp.middleware import CSPMiddleware
from django.conf import settings
from django.core.exceptions import BadRequest
from django.utils import translation
from django.utils.cache import patch_vary_headers

SUPPORTED = {code for code, _name in settings.LANGUAGES}


class UnreadableRequestMiddleware:
    """A request declaring a charset other than UTF-8 is refused (400) before anything reads
    its query string or its form: decoding it ("rot13", "punycode") would fail later (a 500)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from .http import readable_charset

        if getattr(request, "unreadable_charset", False) or not readable_charset(
            request.content_params.get("charset")
        ):
            raise BadRequest("unreadable charset")
        return self.get_response(request)


class LanguageMiddleware:
    """Activate the user's language: the one they chose (cookie), else French.

    A browser that asks for Arabic or French first gets it; any other browser
    language (English included) gets French, the working language of the
    communes, until the user picks English in the switch. An unknown code in
    the cookie falls back the same way.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = self.choose(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response

    @staticmethod
    def choose(request) -> str:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if chosen in SUPPORTED:
            return chosen
        for code, _q in translation.trans_real.parse_accept_lang_header(
            request.headers.get("Accept-Language", "")
        ):
            base = code.split("-")[0].lower()
            if base in {"ar", "fr"}:
                return base
        return settings.LANGUAGE_CODE


class AdminAwareCSPMiddleware(CSPMiddleware):
    """The strict policy everywhere; the admin's third-party pages keep a few inline styles.

    django-import-export and django-simple-history admin templates carry ``style``
    attributes. Allowing inline *styles* (never scripts) on /admin/ only keeps
    them readable for national administrators.
    """

    def process_response(self, request, response):
        # path_info: the path inside the application, also when it is served under a prefix.
        if request.path_info.startswith("/admin/") and not hasattr(response, "_csp_update"):
            response._csp_update = {"style-src": [UNSAFE_INLINE]}
        return super().process_response(request, response)
