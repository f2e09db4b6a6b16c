"""Give each pytest-xdist worker Redis databases of its own.

Loaded with ``-p tests.support.parallel`` (``pyproject.toml``), before Django's
settings are read: xdist names the worker in ``PYTEST_XDIST_WORKER`` before it
loads any plugin. Each worker already gets a test database of its own from
pytest-django (``..._gw0``, ``..._gw1``); the broker and the cache named by
``CELERY_BROKER_URL`` and ``REDIS_URL`` are shared Redis servers, so worker N
moves both to database numbers of its own. A Celery worker that one test starts
would otherwise take the tasks another test sent, for another database.
Without those variables each worker starts a throwaway Redis of its own.
"""

from __future__ import annotations

import os
import re

REDIS_DATABASES = 16


def _moved(url: str, worker: int) -> str:
    match = re.fullmatch(r"(redis://[^/]+)(?:/(\d+))?", url)
    if not match:
        return url
    base = int(match.group(2) or 0)
    # Worker N takes the Nth database after the run's own, stepping over the
    # other variable's: with broker 11 and cache 12, gw0 keeps 11 and 12,
    # gw1 takes 13 and 14.
    number = (base + 2 * worker) % REDIS_DATABASES
    return f"{match.group(1)}/{number}"


def _configure() -> None:
    name = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not name.startswith("gw"):
        return
    worker = int(name[2:])
    for variable in ("CELERY_BROKER_URL", "REDIS_URL"):
        if os.environ.get(variable):
            os.environ[variable] = _moved(os.environ[variable], worker)


_configure()
