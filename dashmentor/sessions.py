"""Sessions read from the cache (Redis) and kept in the database.

Every signed-in request reads its session; from Redis that is one round trip
instead of an ORM query. This is Django's ``cached_db`` engine, except that a
session read while the cache is down comes from the database and the page is
served: Django's engine fails the request when it puts the row back in the
cache, which would make Redis a dependency of every signed-in page.
"""

import logging

from django.contrib.sessions.backends import cached_db

logger = logging.getLogger("django.contrib.sessions")


class SessionStore(cached_db.SessionStore):
    def load(self):
        try:
            data = self._cache.get(self.cache_key)
        except Exception:
            logger.warning("Session cache unreadable", exc_info=True)
            data = None
        if data is not None:
            return data
        row = self._get_session_from_db()
        if not row:
            return {}
        data = self.decode(row.session_data)
        try:
            self._cache.set(
                self.cache_key, data, self.get_expiry_age(expiry=row.expire_date)
            )
        except Exception:
            logger.warning("Session cache unwritable", exc_info=True)
        return data
