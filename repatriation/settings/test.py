"""Test settings: the database from DATABASE_URL (PostgreSQL in CI), a fast password hasher."""

from .base import *  # noqa: F403
from .env import env_str

SECRET_KEY = "test-only-" + "pW8sLq3nVz6rTc1xYk9mHb4jDf7gAe2uNo5iQ0"
DEBUG = False
# Argon2 is the production hasher (tested separately); tests create many users.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "repatriation-test")
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]

# A file, not memory, so that a worker in another process sees the same test database.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}  # noqa: F405

# Static files straight from the source folders; collectstatic is for production.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# The test database is emptied between tests; only these connections may TRUNCATE the audit
# table (see audit migration 0003). No deployment sets this.
if DATABASES["default"]["ENGINE"].endswith("postgresql"):  # noqa: F405
    options = DATABASES["default"].setdefault("OPTIONS", {})  # noqa: F405
    options["options"] = f"{options.get('options', '')} -c repatriation.allow_audit_truncate=on"

# Uploaded files of the test run go to a scratch folder, not the developer's data.
import tempfile  # noqa: E402

# A worker started by a test is given the same folder (TEST_STORAGE_ROOT).
PRIVATE_STORAGE_ROOT = Path(  # noqa: F405
    env_str("TEST_STORAGE_ROOT", "") or tempfile.mkdtemp(prefix="repatriation-test-files-")
)
STORAGES = {
    **STORAGES,  # noqa: F405
    "default": {
        **STORAGES["default"],  # noqa: F405
        "OPTIONS": {"location": PRIVATE_STORAGE_ROOT, "base_url": None},
    },
}

# An N+1 query in any request the suite makes (a relation loaded row by row, or the same
# get() repeated, from one line) raises NPlusOneError: the test fails with the caller named.
INSTALLED_APPS = [*INSTALLED_APPS, "zeal"]  # noqa: F405
MIDDLEWARE = ["zeal.middleware.zeal_middleware", *MIDDLEWARE]  # noqa: F405
ZEAL_RAISE = True
# A form's two ModelChoiceFields on the same model (a leg's origin and destination) each
# look up their choice: two get()s from one line of Django's forms, not an N+1.
# Django's session framework reads the session row itself (again after a failed sign-in
# cycles the key); that is the framework's, not a page's, query pattern.
ZEAL_ALLOWLIST = [
    {"model": "operations.Location", "field": "get()"},
    {"model": "sessions.Session", "field": "get()"},
]
ZEAL_SHOW_ALL_CALLERS = True
