from django.core.management.base import BaseCommand, CommandError

from repatriation.accounts.services import roles_sync


class Command(BaseCommand):
    help = "Give every role's group exactly the permissions declared in accounts/roles.py."

    def handle(self, *args, **options):
        missing = roles_sync()
        if missing:
            raise CommandError(f"Declared permissions that do not exist: {', '.join(missing)}")
        self.stdout.write(self.style.SUCCESS("Roles are in sync."))
