"""The real-service fixtures (Redis, SMTP, Celery processes) for these tests.

Once ``tests/conftest.py`` loads ``pytest_plugins = ["tests.support.services"]``
this import can go.
"""

from tests.support.services import *  # noqa: F403
