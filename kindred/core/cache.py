"""Django's Redis cache with one Redis client per connection pool, kept for the process.

Django's `RedisCacheClient.get_client` builds a new `redis.Redis` for every cache operation;
building one (its table of about 170 response callbacks) costs about as much CPU as the round
trip itself, and a signed-in page makes three (session, person, home summaries). A `redis.Redis`
is safe to share between threads (each command takes a connection from the pool), and the pool
notices a fork (gunicorn's workers) and opens its own connections in the child.
"""

from typing import Any

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)  # type: ignore[attr-defined]
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient
