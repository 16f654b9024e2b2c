from celery import shared_task

from .services import sessions_clear_expired as _sessions_clear_expired


@shared_task(
    name="repatriation.accounts.tasks.sessions_clear_expired",
    autoretry_for=(Exception,),
    retry_backoff=True,
    max_retries=3,
)
def sessions_clear_expired() -> int:
    """Idempotent: a second run finds nothing left to clear."""
    return _sessions_clear_expired()
