from celery import shared_task

from .services import idempotency_keys_expire as _idempotency_keys_expire
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


@shared_task(name="repatriation.accounts.tasks.idempotency_keys_expire")
def idempotency_keys_expire() -> int:
    """Idempotent: deletes keys older than a day, however often it runs."""
    return _idempotency_keys_expire()
