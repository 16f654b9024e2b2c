"""The benchmark's web server (make load): the test settings without the test-only N+1
detector, and the framework floor's address beside the application's."""

from .test import *  # noqa: F403

INSTALLED_APPS = [app for app in INSTALLED_APPS if app != "zeal"]  # noqa: F405
MIDDLEWARE = [m for m in MIDDLEWARE if not m.startswith("zeal.")]  # noqa: F405
ROOT_URLCONF = "repatriation.bench_urls"
WHITENOISE_AUTOREFRESH = False
