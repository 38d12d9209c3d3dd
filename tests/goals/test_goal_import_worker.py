"""A goal import through a real Celery worker, on the real Redis broker and cache: the progress
page, polled from this process as a browser would, shows the goals being written while the
worker's transaction still hides them from everyone else, then the result.

The worker uses the test database (see tests/checkins/worker.py).
"""

import re
import time

import pytest
from django.core.cache import cache

from goals.models import Goal, GoalImport
from goals.services import imports
from tests.checkins.worker import broker_url, publisher, purge, start_worker, unique_queue
from tests.factories import member
from tests.goals.goal_files import goal_file, progress_url

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]

ROWS = 5000
VALUE = re.compile(r'aria-valuenow="(\d+)"')


def test_the_poll_sees_a_worker_import_progress_before_its_goals_exist(
    acme, quarter, as_user, settings, tmp_path
):
    broker = broker_url()
    # The worker's cache (alignment.settings with REDIS_URL), so both read the same keys.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": broker,
            "KEY_PREFIX": "alignment",
        }
    }
    client = as_user(acme.claire)
    job = imports.goal_import_stage(
        membership=member(acme.claire), text=goal_file(ROWS), total=ROWS
    )
    GoalImport.objects.filter(pk=job.pk).update(status=GoalImport.Status.PENDING)
    url = progress_url(job)
    client.get(url)  # the session learns its workspace now: the polls below write nothing
    queue = unique_queue("goal-import")
    worker = start_worker(
        broker=broker, queue=queue, mail_file=tmp_path / "mail.log", log=tmp_path / "worker.log"
    )
    polls: list[tuple[int, int | None, int]] = []
    try:
        worker.wait_ready()
        publisher(broker, queue).send_task("goals.tasks.run_goal_import", args=[job.pk])
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            response = client.get(url, HTTP_HX_REQUEST="true")
            found = VALUE.search(response.content.decode())
            polls.append(
                (response.status_code, int(found[1]) if found else None, Goal.objects.count())
            )
            if response.status_code == 286:
                break
            time.sleep(0.05)
    finally:
        worker.stop()
        purge(broker, queue)
        cache.delete(imports._progress_key(job.pk))

    midway = [(written, goals) for status, written, goals in polls if 0 < (written or 0) < ROWS]
    assert midway, polls
    assert {goals for _, goals in midway} == {0}, "written, yet invisible until the commit"
    assert polls[-1][0] == 286, polls[-1]
    assert Goal.objects.filter(workspace=acme.workspace).count() == ROWS
    assert GoalImport.objects.get(pk=job.pk).status == GoalImport.Status.DONE
    print(f"\n{ROWS} goals through a worker, {len(midway)} polls saw them being written")
