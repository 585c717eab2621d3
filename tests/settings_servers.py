"""Settings of the servers that tests/prim/test_several_machines.py starts: the application's
own, plus the test users' fast password hasher (the users are made by the test process)."""

from prim.settings import *  # noqa: F403

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.MD5PasswordHasher",
]
