"""The Redis cache backend: Django's, reusing its redis-py clients."""

from django.core.cache.backends import redis


class RedisCacheClient(redis.RedisCacheClient):
    """Django's Redis client, keeping one ``redis.Redis`` per connection pool.

    Django builds a new ``redis.Redis`` for every cache operation, and building
    one fills its table of response callbacks: about half the CPU time of a
    ``cache.get``, and a signed-in page makes two (its session and its roles).
    A ``redis.Redis`` keeps no state but its pool and is safe to share between
    threads.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        try:
            return self._clients[id(pool)]
        except KeyError:
            self._clients[id(pool)] = client = self._client(connection_pool=pool)
            return client


class RedisCache(redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
