from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class RepatriationConfig(AppConfig):
    """The project package as an app: demo seeding, health check, shared templates."""

    default = True
    name = "repatriation"
    verbose_name = "Repatriation"

    def ready(self):
        from . import lookups  # noqa: F401 - registers `__one_of`


class RepatriationAdminConfig(admin_apps.AdminConfig):
    """The admin, limited to administrators (see admin_site.RepatriationAdminSite)."""

    default = False
    default_site = "repatriation.admin_site.RepatriationAdminSite"
