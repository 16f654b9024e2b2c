"""The Celery application. Configuration lives in Django settings under the CELERY_ prefix."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "repatriation.settings.local")

app = Celery("repatriation")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.autodiscover_tasks(["repatriation.accounts", "repatriation.audit", "repatriation.operations"])


@app.on_after_configure.connect
def _ensure_filesystem_broker_folders(sender, **kwargs):
    """The demo's server-less broker keeps messages in folders; make sure they exist."""
    options = sender.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "control_folder"):
        if options.get(key):
            os.makedirs(options[key], exist_ok=True)
