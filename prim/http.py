"""What the application may believe about a request: the client's address and its charset.

Behind a reverse proxy every request comes from the proxy's address (``REMOTE_ADDR``); the
client's address is in ``X-Forwarded-For``, which the client can also write. Each proxy
appends the address it received the request from, so with ``TRUSTED_PROXY_COUNT`` proxies in
front of the application the client is the entry that many places from the right. Entries
further left were written by the client and are never believed.
"""

from __future__ import annotations

import codecs
import ipaddress

from django.conf import settings
from django.core.handlers.wsgi import WSGIRequest
from django.utils.http import parse_header_parameters


def _valid_address(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The client's address (django-axes locks on it, with the username)."""
    remote = request.META.get("REMOTE_ADDR")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    if len(forwarded) < count:
        # Not through every trusted proxy (a direct connection): only the peer is known.
        return remote
    return _valid_address(forwarded[-count]) or remote


def readable_charset(charset: str | None) -> bool:
    """The application's pages and forms speak UTF-8 (ASCII is part of it); another declared
    charset is refused rather than guessed at: Python's codecs include "rot13", "zlib" or
    "punycode", which Django cannot decode a form with."""
    if not charset:
        return True
    try:
        return codecs.lookup(charset).name in {"utf-8", "ascii"}
    except LookupError:
        return False


class Request(WSGIRequest):
    """Django's request, except that a declared charset other than UTF-8 is noted, not used.

    Django looks the declared charset up while it builds the request and decodes the query
    string with it: a codec that is not a text encoding ("rot13") fails there, before any
    middleware could answer. ``prim.middleware.UnreadableRequestMiddleware`` answers 400.
    """

    unreadable_charset = False

    def _set_content_type_params(self, meta):
        _type, params = parse_header_parameters(meta.get("CONTENT_TYPE", ""))
        if readable_charset(params.get("charset")):
            super()._set_content_type_params(meta)
        else:
            self.content_type, self.content_params = _type, params
            self.unreadable_charset = True
