import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "repatriation.settings.production")

application = get_wsgi_application()

# Everything loaded at start-up (modules, URL patterns, templates, translations) lives as
# long as the worker: kept out of the collector's generations, a full collection no longer
# walks it, which removes most of the pauses behind the slowest requests.
gc.freeze()
