"""The Celery application: broker and schedule come from Django settings (``CELERY_*``)."""

import os

from celery import Celery, Task
from celery.signals import task_prerun
from django.db import close_old_connections

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alignment.settings")

app = Celery("alignment")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect
def drop_broken_connections(task: Task, **kwargs) -> None:
    """Workers reuse database connections across tasks (``CELERY_DB_REUSE_MAX``): drop one
    that broke (a database restart) or outlived ``CONN_MAX_AGE``, as Django does per request.
    Eager tasks run inside their caller's transaction and are left alone."""
    if not task.request.is_eager:
        close_old_connections()
