from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    """Organisations, users, roles, data-sharing agreements and the login flow."""

    name = "repatriation.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from . import signals  # noqa: F401
        from .services import roles_sync

        def _sync(sender, **kwargs):
            # post_migrate fires once per app with models, in INSTALLED_APPS order; by the
            # last one every app's permissions exist.
            with_models = [a for a in self.apps.get_app_configs() if a.models_module]
            if sender.label == with_models[-1].label:
                roles_sync()

        post_migrate.connect(_sync, dispatch_uid="accounts-roles-sync", weak=False)
