from celery import shared_task

from . import services


@shared_task(
    name="rehabilitation.tasks.cases_seal_due",
    autoretry_for=(Exception,),
    retry_backoff=True,
    max_retries=3,
)
def cases_seal_due() -> int:
    """Daily; idempotent: a second run finds nothing left to seal."""
    return services.cases_seal_due()
