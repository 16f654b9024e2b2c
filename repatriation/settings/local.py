"""The embedded demo: SQLite, filesystem broker, no other service, DEBUG on by default."""

from .base import *  # noqa: F403
from .env import env_bool, env_str

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env_str("SECRET_KEY", "local-demo-only-" + "x7Qp2mZr9vKc4nLw8sTb6yHd3gJf5aEu1oRi0")

# Static files straight from the source folders; collectstatic is for production.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
