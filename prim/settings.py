"""PRIM Planner settings: one module, driven by environment variables.

Development defaults are safe to run locally (``DEBUG=1`` and an embedded SQLite
file). With ``DEBUG`` off, ``SECRET_KEY`` and ``ALLOWED_HOSTS`` must be given and
the security settings below pass ``manage.py check --deploy``.
"""

import os
import sys
import tempfile
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# pytest imports this module itself; tests never run against production secrets.
TESTING = "pytest" in sys.modules

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"  # noqa: S105
    else:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if (DEBUG or TESTING) else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "simple_history",
    "import_export",
    "axes",
    "csp",
    # Our apps, lowest layer first: imports point prim -> actions -> diagnostics -> communes.
    "communes",
    "diagnostics",
    "actions",
    "prim",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "prim.middleware.LanguageMiddleware",
    # Before anything reads the query or the form: a charset other than UTF-8 gets a 400
    # (in the language chosen just above).
    "prim.middleware.UnreadableRequestMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "prim.middleware.AdminAwareCSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks, so it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "prim.urls"
WSGI_APPLICATION = "prim.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "communes.context_processors.access",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded database is safe for a small team too (two workers saving at once):
    # WAL lets pages read while someone writes; a transaction takes the write lock when it
    # begins (IMMEDIATE), so a second one waits its turn (up to the timeout, in seconds)
    # instead of failing with "database is locked" halfway, then reads what the first wrote
    # (a record version check answers "changed meanwhile" instead of overwriting it).
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        "transaction_mode": "IMMEDIATE",
        "timeout": int(os.environ.get("SQLITE_TIMEOUT", "20")),
    }
    if TESTING:
        # Tests run on a database file, as the application does: an in-memory database shared
        # with the live server's threads locks whole tables and fails at once ("table is locked")
        # when a browser request is still being answered as a test empties the database, where
        # a file waits its turn like any other writer (the timeout above).
        DATABASES["default"]["TEST"] = {
            "NAME": os.environ.get(
                "SQLITE_TEST_NAME",
                str(Path(tempfile.gettempdir()) / f"prim-test-{os.getpid()}.sqlite3"),
            )
        }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "communes.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    # Hashing speed is not under test; a slow hasher only slows the suite down.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling: five wrong passwords for one username from one address lock it for an hour
# (on /login/ and /admin/login/ alike). The address is the client's, not the proxy's: with
# TRUSTED_PROXY_COUNT reverse proxies in front (each appending to X-Forwarded-For), the client
# is that many entries from the right; what a client writes further left is never believed.
# 0 believes only the connecting address. Production behind a proxy (BEHIND_PROXY) counts one.
TRUSTED_PROXY_COUNT = int(
    os.environ.get(
        "TRUSTED_PROXY_COUNT",
        "1" if not (DEBUG or TESTING) and env_bool("BEHIND_PROXY", True) else "0",
    )
)
AXES_CLIENT_IP_CALLABLE = "prim.http.client_ip"
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

# Internationalisation: French by default, Arabic (right-to-left) and English complete.
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("ar", _("Arabic")), ("en", _("English"))]
# Tamazight (Tifinagh script), an official language: the interface is ready for its catalogue.
# Once ``locale/zgh`` is translated and compiled, the national administration enables it with
# PRIM_TAMAZIGHT=1 (a deploy setting: the catalogue ships with the code anyway). Django offers a
# language only when its catalogue exists, so the flag alone shows nothing half-translated.
if env_bool("PRIM_TAMAZIGHT", False):
    from django.conf.locale import LANG_INFO

    LANG_INFO.setdefault(
        "zgh",
        {"bidi": False, "code": "zgh", "name": "Tamazight", "name_local": "ⵜⴰⵎⴰⵣⵉⵖⵜ"},
    )
    LANGUAGES.append(("zgh", "ⵜⴰⵎⴰⵣⵉⵖⵜ"))
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "prim_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Africa/Casablanca"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
FORMAT_MODULE_PATH = ["prim.formats"]  # Moroccan Arabic conventions (prim/formats/ar)

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Front-end packages come from the npm registry (package.json), never copied by hand.
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
]
# Files (attachments, thumbnails, built annexes) go through Django's storage API only, never a
# path built by hand (communes/storage.py). STORAGE chooses where they live:
# - "files" (default): a folder, MEDIA_ROOT; on several machines, one folder they all mount;
# - "s3": an S3-compatible object store through django-storages (`pip install ".[s3]"`),
#   S3_BUCKET, S3_ENDPOINT_URL, S3_REGION; the keys in AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY;
# - "memory": Django's InMemoryStorage, one process only (the test suite's second file run).
# Files are never served from the storage's URL: every download goes through a view that
# checks the reader's territory (objects stay private, no public URL is ever handed out).
STORAGE = os.environ.get("STORAGE", "files")
_DEFAULT_STORAGES = {
    "files": {"BACKEND": "communes.storage.AtomicFileSystemStorage"},
    "memory": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "s3": {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ.get("S3_BUCKET", ""),
            "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("S3_REGION") or None,
            "location": os.environ.get("S3_PREFIX", ""),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    },
}
if STORAGE not in _DEFAULT_STORAGES:
    raise ImproperlyConfigured(f"STORAGE must be one of {sorted(_DEFAULT_STORAGES)}.")
STORAGES = {
    "default": _DEFAULT_STORAGES[STORAGE],
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# The folder of STORAGE=files, outside the static path.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))

# --- Background work (Django's tasks API, the django-tasks backport) -------------------------
# The queue lives in the application's database (django-tasks-db): workers on any machine share
# it (`manage.py db_worker`). TASKS_BACKEND=rq puts it on Redis (django-tasks-rq, REDIS_URL;
# worker: `manage.py rqworker default --job-class django_tasks_rq.Job --with-scheduler`).
# TASKS_BACKEND=immediate runs tasks inside the request (no worker; slow pages), a dotted path
# names any other backend. Tests default to the dummy backend, which queues and never runs: a
# test that wants a worker says so.
INSTALLED_APPS += ["django_tasks", "django_tasks_db"]
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "dummy": "django_tasks.backends.dummy.DummyBackend",
    "rq": "django_tasks_rq.RQBackend",
}
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "dummy" if TESTING else "database")
TASKS = {
    "default": {
        "BACKEND": _TASK_BACKENDS.get(TASKS_BACKEND, TASKS_BACKEND),
        "QUEUES": ["default"],
    }
}
# One Redis for the queue and the cache (two logical databases of it, unless told otherwise).
REDIS_URL = os.environ.get("REDIS_URL", "")
# django_rq is always installed (its models and commands cost nothing unless used), so that a
# test or a worker can switch TASKS to RQ without another settings module.
INSTALLED_APPS += ["django_rq"]
RQ_SHOW_ADMIN_LINK = False  # its pages are not wired in prim/urls.py
RQ_QUEUES = {
    "default": {
        "URL": os.environ.get("RQ_URL", REDIS_URL or "redis://127.0.0.1:6379/0"),
        # A job killed with its worker is retried by communes.jobs (its lease), not by RQ.
        "DEFAULT_TIMEOUT": int(os.environ.get("RQ_JOB_TIMEOUT", "1800")),
    }
}
# The worker's sign of life, logged and kept for /health/ (prim/health.py), every this many s.
WORKER_HEARTBEAT_SECONDS = int(os.environ.get("WORKER_HEARTBEAT_SECONDS", "60"))

# --- Cache: what web processes share -----------------------------------------------------------
# Local memory by default (one process). With several processes or machines, CACHE_URL (or
# REDIS_URL) puts it on Redis (django-redis), so that every process sees the same entries.
# Login lockouts (django-axes) and record versions are in the database, shared already.
CACHE_URL = os.environ.get("CACHE_URL", "") or REDIS_URL
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "prim"),
            "OPTIONS": {
                # A Redis that stops answering slows no page down: the cache is only a cache.
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 2,
                "SOCKET_TIMEOUT": 2,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# A worker that gives no sign of life for this long is presumed dead and its job queued again.
JOBS_LEASE_SECONDS = int(os.environ.get("JOBS_LEASE_SECONDS", "300"))
JOBS_MAX_ATTEMPTS = int(os.environ.get("JOBS_MAX_ATTEMPTS", "3"))
JOBS_RETRY_DELAY_SECONDS = float(os.environ.get("JOBS_RETRY_DELAY_SECONDS", "10"))
# A change to a PAC queues its annex this many seconds later: a burst of edits, one build.
ANNEX_BUILD_DELAY_SECONDS = float(os.environ.get("ANNEX_BUILD_DELAY_SECONDS", "2"))

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

CSRF_FAILURE_VIEW = "prim.views.csrf_failure"

# Content-Security-Policy: no inline script, no inline style, nothing from elsewhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # Bootstrap draws a few icons (select arrows, toggler) as data: SVG.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Security headers and cookies. Production (DEBUG off) gets HTTPS-only cookies and HSTS.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 10
if not DEBUG and not TESTING:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # Load balancers probe /health/ over plain HTTP on the private side.
    SECURE_REDIRECT_EXEMPT = [r"^health/$"]
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    # Behind a reverse proxy that terminates TLS and sets this header.
    if env_bool("BEHIND_PROXY", True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

SILENCED_SYSTEM_CHECKS = [
    # HSTS preload is a choice for the domain owner, opt-in through SECURE_HSTS_PRELOAD.
    "security.W021",
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
