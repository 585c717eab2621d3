"""Several processes share a cache and a queue on Redis when one is configured."""

import json
import os
import subprocess
import sys

import pytest


def settings_with(**env):
    code = (
        "import json, pytest; from prim import settings as s; "
        "print(json.dumps({'caches': s.CACHES, 'tasks': s.TASKS, 'rq': s.RQ_QUEUES}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


def test_local_memory_cache_and_database_queue_by_default():
    found = settings_with(REDIS_URL="", CACHE_URL="", TASKS_BACKEND="database")
    assert found["caches"]["default"]["BACKEND"].endswith("LocMemCache")
    assert found["tasks"]["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"


def test_redis_url_puts_the_cache_and_the_rq_queue_on_redis():
    found = settings_with(REDIS_URL="redis://cache.internal:6379/2", TASKS_BACKEND="rq")
    cache = found["caches"]["default"]
    assert cache["BACKEND"] == "django_redis.cache.RedisCache"
    assert cache["LOCATION"] == "redis://cache.internal:6379/2"
    assert found["tasks"]["default"]["BACKEND"] == "django_tasks_rq.RQBackend"
    assert found["rq"]["default"]["URL"] == "redis://cache.internal:6379/2"
    # CACHE_URL alone moves the cache and leaves the queue where it is.
    found = settings_with(REDIS_URL="", CACHE_URL="redis://c:6379/3", TASKS_BACKEND="database")
    assert found["caches"]["default"]["LOCATION"] == "redis://c:6379/3"
    assert found["tasks"]["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"


@pytest.mark.redis
def test_the_redis_cache_is_seen_by_another_process(settings):
    from django.core.cache import caches

    url = os.environ["TEST_REDIS_URL"]
    settings.CACHES = {
        "default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": url},
    }
    caches["default"].set("prim-test-shared", "seen", 30)
    try:
        code = (
            "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='prim.settings'; "
            "import pytest; django.setup(); from django.core.cache import cache; "
            "print(cache.get('prim-test-shared'))"
        )
        out = subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, "CACHE_URL": url, "CACHE_KEY_PREFIX": ""},
            capture_output=True,
            text=True,
            check=True,
        )
        assert out.stdout.strip() == "seen"
    finally:
        caches["default"].delete("prim-test-shared")
