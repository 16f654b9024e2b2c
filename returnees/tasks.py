from celery import shared_task

from . import services


@shared_task(
    name="returnees.tasks.documents_sweep_orphans",
    autoretry_for=(Exception,),
    retry_backoff=True,
    max_retries=3,
)
def documents_sweep_orphans() -> int:
    """Idempotent: a second run finds nothing left to remove."""
    return services.documents_sweep_orphans()
