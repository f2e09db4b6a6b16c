"""Sessions read from the cache (Redis) and kept in the database.

Every signed-in request reads its session; from Redis that is one round trip
instead of an ORM query. This is Django's ``cached_db`` engine, except that an
outage of the cache costs speed only: Django's engine fails a request whose
session it cannot put back in the cache, and every sign-in and sign-out while
the cache cannot be reached. Here the database answers and the page is served.

A sign-out the cache refused leaves the session's copy there; a copy is kept
for ``CACHE_SECONDS`` at most, so it cannot outlive the sign-out by longer.
"""

import logging

from django.contrib.sessions.backends import cached_db
from django.contrib.sessions.backends.db import SessionStore as DBStore

logger = logging.getLogger("django.contrib.sessions")

CACHE_SECONDS = 600


class SessionStore(cached_db.SessionStore):
    def _cache_put(self, data, expiry_age: int) -> None:
        try:
            self._cache.set(self.cache_key, data, min(expiry_age, CACHE_SECONDS))
        except Exception:
            logger.warning("Session cache unwritable", exc_info=True)

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
        self._cache_put(data, self.get_expiry_age(expiry=row.expire_date))
        return data

    def exists(self, session_key):
        try:
            if session_key and self.cache_key_prefix + session_key in self._cache:
                return True
        except Exception:
            logger.warning("Session cache unreadable", exc_info=True)
        return DBStore.exists(self, session_key)

    def save(self, must_create=False):
        DBStore.save(self, must_create)
        self._cache_put(self._session, self.get_expiry_age())

    def delete(self, session_key=None):
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        DBStore.delete(self, session_key)
        try:
            self._cache.delete(self.cache_key_prefix + session_key)
        except Exception:
            logger.error(
                "Session cache unreachable: a deleted session stays readable "
                "from it for %s s at most",
                CACHE_SECONDS,
                exc_info=True,
            )
