"""The Celery app: settings from Django's (CELERY_ namespace), tasks from the apps."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dashmentor.settings")

app = Celery("dashmentor")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="dashmentor.ping", ignore_result=False)
def ping(value: str = "pong") -> str:
    """Answer the value back: the health check and the worker test use it."""
    return value
