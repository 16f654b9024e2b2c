"""A real task, run by a real worker process on the configured broker (Redis in CI)."""

import time
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from repatriation.accounts.tasks import sessions_clear_expired
from repatriation.celery import app


def test_celery_configuration():
    conf = app.conf
    assert conf.task_acks_late
    assert conf.task_reject_on_worker_lost
    assert conf.accept_content == ["json"]
    assert conf.task_serializer == "json"
    assert conf.task_time_limit
    assert conf.task_soft_time_limit < conf.task_time_limit
    if conf.broker_url.startswith("redis"):
        assert conf.broker_transport_options["visibility_timeout"] > conf.task_time_limit


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_task_runs_in_a_real_worker(worker):
    past = timezone.now() - timedelta(days=1)
    Session.objects.create(session_key="expired" + "x" * 25, session_data="e30=", expire_date=past)
    Session.objects.create(
        session_key="current" + "y" * 25,
        session_data="e30=",
        expire_date=timezone.now() + timedelta(hours=1),
    )
    sessions_clear_expired.delay()
    deadline = time.monotonic() + 60
    while (
        time.monotonic() < deadline
        and Session.objects.filter(expire_date__lt=timezone.now()).exists()
    ):
        assert worker.poll() is None, worker.communicate()[0]
        time.sleep(0.5)
    assert not Session.objects.filter(session_key__startswith="expired").exists()
    assert Session.objects.filter(session_key__startswith="current").exists()
    # Idempotent: a second run changes nothing and succeeds.
    sessions_clear_expired.delay()
    time.sleep(1)
    assert Session.objects.filter(session_key__startswith="current").exists()
