"""Django's Redis cache, with one Redis client per connection pool instead of one per call;
and a request counter per time window that costs one round trip (the API's rate limits).

Django's ``RedisCacheClient.get_client`` builds a new ``redis.Redis`` for every cache call, and
building one fills its table of about 170 response callbacks: a third of a cached page's cache
time went there. The client is thread-safe over its pool, so one per pool is enough.
"""

import math
import time
from typing import Any

from django.core.cache.backends import redis
from django.core.cache.backends.base import BaseCache


class RedisCacheClient(redis.RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(redis.RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient


def window_hit(cache: BaseCache, key: str, seconds: int) -> int:
    """Count one hit in ``key``'s window and return the hits so far. The window opens with its
    first hit and closes ``seconds`` later.

    On Redis one round trip: INCR, then EXPIRE NX, which gives the key its lifetime only when
    it has none, so a key that expires between the two commands is counted afresh rather than
    kept for ever. Other caches (the embedded default's file cache, one machine) keep the count
    with the window's end, read and written back as DRF's own throttles do.
    """
    return window_hit_and_get_many(cache, key, seconds, [])[0]


def window_hit_and_get_many(
    cache: BaseCache, key: str, seconds: int, keys: list[str]
) -> tuple[int, dict[str, Any]]:
    """:func:`window_hit` and ``cache.get_many(keys)``; on Redis in the same round trip."""
    if isinstance(cache, RedisCache):
        name = cache.make_and_validate_key(key)
        names = [cache.make_and_validate_key(k) for k in keys]
        pipeline = cache._cache.get_client(write=True).pipeline(transaction=False)
        pipeline.incr(name)
        pipeline.expire(name, seconds, nx=True)
        if names:
            pipeline.mget(names)
        count, _, *values = pipeline.execute()
        loads = cache._cache._serializer.loads
        found = dict(zip(keys, values[0], strict=True)) if values else {}
        return count, {k: loads(v) for k, v in found.items() if v is not None}
    return _window_hit_elsewhere(cache, key, seconds), cache.get_many(keys) if keys else {}


def _window_hit_elsewhere(cache: BaseCache, key: str, seconds: int) -> int:
    now = time.time()
    count, ends = cache.get(key) or (0, now + seconds)
    if ends <= now:
        count, ends = 0, now + seconds
    cache.set(key, (count + 1, ends), ends - now)
    return count + 1


def window_left(cache: BaseCache, key: str, seconds: int) -> int:
    """Whole seconds until ``key``'s window closes (at least one)."""
    if isinstance(cache, RedisCache):
        left = cache._cache.get_client().ttl(cache.make_and_validate_key(key))
    else:
        _, ends = cache.get(key) or (0, time.time() + seconds)
        left = math.ceil(ends - time.time())
    return max(left, 1)
