"""One authorization matrix for every page: each persona, each method, one address.

    access.check(url, READ, shows="Salle des délibérations")
    access.check(url, WRITE, methods=("get", "post"), shows="Modifier la séance")
    access.check("/regions/02/", READ, expect={"viewer": 404}, shows="Oujda")
    access.check(url, WRITE, methods=("post",), data={"start_year": 2022})

The ``access`` fixture (tests/conftest.py) runs it with the personas of tests/conftest.py:
anonymous, ``other_editor`` (editor of Sidi Bibi, an outsider to Oujda), ``other_coordinator``
(of Souss-Massa), ``viewer``, ``province_reader`` (of the Oujda-Angad prefecture, which Oujda
belongs to: reads, never writes), ``coordinator`` (of the Oriental), ``national`` and ``editor``.

What each persona gets is given per persona (``READ``, ``WRITE``, or one's own dict;
``expect`` overrides a few):

- ``LOGIN``: sent to the login page, with the address to come back to;
- ``404``: the "page not found" page (outside their territory the object does not exist);
- ``403``: the "access refused" page;
- ``ALLOWED``: a GET answers 200 and shows ``shows`` (what the user came for, never only a
  status); a POST passes the door: the form comes back (200, 400, or 409 for a record changed
  since the form was loaded) or the work is done (302);
- any other status code: exactly that.

Refused personas go first, then the methods the address does not take (405 for every signed-in
persona), then the allowed personas, so that a POST that deletes comes last.
``check`` returns the responses by (persona, method), each with its body read as ``.body``.
"""

from __future__ import annotations

from urllib.parse import quote

from django.urls import reverse

LOGIN = "login"
ALLOWED = "allowed"
PERSONAS = (
    "anonymous",
    "other_editor",
    "other_coordinator",
    "viewer",
    "province_reader",
    "coordinator",
    "national",
    "editor",
)
METHODS = ("get", "post", "put")

_OUTSIDERS = {"anonymous": LOGIN, "other_editor": 404, "other_coordinator": 404}
_READERS = ("viewer", "province_reader", "coordinator", "national", "editor")
READ = {**_OUTSIDERS, **dict.fromkeys(_READERS, ALLOWED)}
WRITE = {**_OUTSIDERS, **dict.fromkeys(_READERS[:-1], 403), "editor": ALLOWED}

# What the error pages say (French, the default language).
NOT_FOUND = "Page introuvable"
REFUSED = "Accès refusé"


def body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


class AccessMatrix:
    def __init__(self, client, users, backend):
        self.client = client
        self.users = users  # persona name -> user
        self.backend = backend

    def _as(self, persona):
        self.client.logout()
        if persona != "anonymous":
            self.client.force_login(self.users[persona], backend=self.backend)
        return self.client

    def _request(self, persona, method, url, data):
        client = self._as(persona)
        payload = data() if callable(data) else data
        if method == "put":
            response = client.put(url)
        elif payload is None:
            response = getattr(client, method)(url)
        else:
            response = getattr(client, method)(url, payload)
        response.body = body(response)
        return response

    def check(self, url, rules, *, methods=("get",), data=None, shows=None, expect=None):
        """Every persona of ``rules`` with every method; ``data`` (or a function giving it,
        for uploads) is what a POST sends."""
        rules = {**rules, **(expect or {})}
        allowed = [p for p in PERSONAS if rules.get(p) == ALLOWED]
        if shows is None and "get" in methods and allowed:
            raise TypeError("Say what the allowed personas see on the page (shows=...)")
        wanted = shows.encode() if isinstance(shows, str) else shows
        seen = {}
        for persona in [p for p in PERSONAS if p in rules and p not in allowed]:
            for method in methods:
                response = self._request(persona, method, url, data)
                self._refused(response, rules[persona], persona, method, url)
                seen[persona, method] = response
        for persona in [p for p in PERSONAS if p in rules and p != "anonymous"]:
            for method in sorted(set(METHODS) - set(methods)):
                response = self._request(persona, method, url, None)
                assert response.status_code == 405, (persona, method, url, response.status_code)
        for persona in allowed:
            for method in methods:
                response = self._request(persona, method, url, data)
                where = (persona, method, url, response.status_code)
                if method == "get":
                    assert response.status_code == 200, where
                    assert wanted in response.body, (*where, shows)
                else:
                    assert response.status_code in (200, 302, 400, 409), where
                    if response.status_code == 302:
                        assert not response.url.startswith(reverse("login")), where
                seen[persona, method] = response
        return seen

    @staticmethod
    def _refused(response, expected, persona, method, url):
        where = (persona, method, url, response.status_code)
        if expected == LOGIN:
            assert response.status_code == 302, where
            assert response.url == f"{reverse('login')}?next={quote(url)}", (*where, response.url)
        elif expected == 404:
            assert response.status_code == 404, where
            assert NOT_FOUND in response.body.decode(), where
        elif expected == 403:
            assert response.status_code == 403, where
            assert REFUSED in response.body.decode(), where
        else:
            assert response.status_code == expected, where
