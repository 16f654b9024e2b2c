"""The benchmark (make bench) and its web server (make load): the test settings without the
test-only N+1 detector, which watches every query and related object a page touches (the
case page measured 41 ms without it, 82 ms with it), and the framework floor's address
beside the application's."""

from .test import *  # noqa: F403

INSTALLED_APPS = [app for app in INSTALLED_APPS if app != "zeal"]  # noqa: F405
MIDDLEWARE = [m for m in MIDDLEWARE if not m.startswith("zeal.")]  # noqa: F405
ROOT_URLCONF = "repatriation.bench_urls"
WHITENOISE_AUTOREFRESH = False
