from celery import shared_task

from . import services


@shared_task(
    name="reporting.tasks.report_render",
    acks_late=True,  # a worker killed mid-run leaves the message for another
    reject_on_worker_lost=True,
    autoretry_for=(Exception,),
    retry_backoff=True,
    max_retries=2,
)
def report_render(run_id: int) -> str:
    """Idempotent: a published run is returned as it is."""
    return services.report_render(run_id).status


@shared_task(name="reporting.tasks.reports_create_monthly")
def reports_create_monthly() -> int:
    """Idempotent: last month's reports that exist already are not asked for again."""
    return len(services.reports_create_monthly())


@shared_task(name="reporting.tasks.report_runs_resume")
def report_runs_resume() -> int:
    """Idempotent: hands stalled runs to a worker again; rendering a run twice is harmless."""
    return len(services.report_runs_resume())
