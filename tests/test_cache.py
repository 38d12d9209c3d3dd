"""The request counter behind the API's rate limits, on each cache the settings may choose."""

import os
import re
import time

import pytest
from django.core.cache import caches

from core.api.throttling import TokenThrottle
from core.cache import RedisCache, window_hit, window_hit_and_get_many, window_left


@pytest.fixture(params=["memory", "file", "redis"])
def each_cache(request, settings, tmp_path):
    if request.param == "memory":
        backend = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    elif request.param == "file":
        backend = {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "cache"),
        }
    else:
        url = os.environ.get("REDIS_URL")
        if not url and os.environ.get("CI") != "true":
            pytest.skip("REDIS_URL is not set (CI always sets it)")
        # Database 15, beside the broker's: clearing it touches no queue.
        backend = {
            "BACKEND": "core.cache.RedisCache",
            "LOCATION": re.sub(r"/\d*$", "", url) + "/15",
            "KEY_PREFIX": "alignment",
        }
    settings.CACHES = {"default": backend}
    cache = caches["default"]  # the backend itself, as the throttles pass it
    cache.clear()
    yield cache
    cache.clear()


def test_each_hit_counts_and_the_window_says_when_it_closes(each_cache):
    cache = each_cache
    assert [window_hit(cache, "hits", 60) for _ in range(3)] == [1, 2, 3]
    assert 59 <= window_left(cache, "hits", 60) <= 60
    if isinstance(cache, RedisCache):  # one round trip: a plain counter with its own lifetime
        client, key = cache._cache.get_client(), cache.make_and_validate_key("hits")
        assert client.get(key) == b"3"
        assert 59 <= client.ttl(key) <= 60
    assert window_hit(cache, "others", 60) == 1  # each key its own count


def test_a_closed_window_counts_afresh(each_cache):
    cache = each_cache
    window_hit(cache, "hits", 1)
    window_hit(cache, "hits", 1)
    time.sleep(1.1)
    assert window_hit(cache, "hits", 1) == 1
    assert window_hit(cache, "hits", 1) == 2


def test_the_throttles_count_in_the_cache_itself(each_cache):
    """DRF's throttles hold the ``cache`` proxy, which is no RedisCache: ours pass the backend."""
    assert TokenThrottle().cache is each_cache


def test_a_hit_and_reads_in_one_call(each_cache):
    cache = each_cache
    cache.set_many({"a": {"x": 1}, "b": 2})
    assert window_hit_and_get_many(cache, "hits", 60, ["a", "b", "c"]) == (
        1,
        {"a": {"x": 1}, "b": 2},
    )
    assert window_hit_and_get_many(cache, "hits", 60, []) == (2, {})
