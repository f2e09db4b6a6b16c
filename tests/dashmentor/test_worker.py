import os
import subprocess
import sys

import pytest
from celery import Celery
from django.conf import settings


@pytest.mark.worker
def test_a_real_worker_on_redis_runs_a_task_sent_to_it(redis_server_url, tmp_path):
    """A task sent through Redis is picked up by a real worker process and finishes."""
    env = {
        # The worker runs as deployed, not as the test suite.
        **{k: v for k, v in os.environ.items() if k != "DJANGO_TESTING"},
        "DJANGO_SETTINGS_MODULE": "dashmentor.settings",
        "CELERY_BROKER_URL": redis_server_url,
        "CELERY_RESULT_BACKEND": redis_server_url,
    }
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "dashmentor",
            "worker",
            "--pool",
            "solo",
            "--loglevel",
            "INFO",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=open(tmp_path / "worker.log", "w"),  # noqa: SIM115
        stderr=subprocess.STDOUT,
    )
    # Not the process's current app: the portal's tasks, sent by later tests
    # in this process, would otherwise go to this client (and never run).
    client = Celery(
        broker=redis_server_url, backend=redis_server_url, set_as_current=False
    )
    try:
        result = client.send_task("dashmentor.ping", args=["hello from the test"])
        # An eager task run earlier in this process (the suite runs tasks in
        # process) leaves Celery believing it is inside a task, where a
        # blocking get() is refused; this process is no task.
        answer = result.get(timeout=60, disable_sync_subtasks=False)
        assert answer == "hello from the test"
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        client.close()
