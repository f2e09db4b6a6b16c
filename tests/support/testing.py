"""Tell the settings that the test suite runs (``DJANGO_TESTING``).

Loaded with ``-p tests.support.testing`` (``pyproject.toml``), before pytest-django
reads the settings: ``dashmentor.settings.TESTING`` is that variable and nothing
else, so a fast password hasher, tasks run in process and static files served
from the finders are the suite's choices, made in one place. The processes a
test starts to stand for a deployment (a Celery worker, a production probe)
leave the variable out of their environment.
"""

import os

os.environ["DJANGO_TESTING"] = "1"
