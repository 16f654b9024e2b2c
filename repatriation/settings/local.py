"""The embedded demo: SQLite, filesystem broker, no other service, DEBUG on by default."""

from .base import *  # noqa: F403
from .env import env_bool, env_str

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env_str("SECRET_KEY", "local-demo-only-" + "x7Qp2mZr9vKc4nLw8sTb6yHd3gJf5aEu1oRi0")
