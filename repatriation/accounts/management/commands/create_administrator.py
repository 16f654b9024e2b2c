import getpass
import os

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from repatriation.accounts.models import Organisation
from repatriation.accounts.roles import Role
from repatriation.accounts.services import user_create


class Command(BaseCommand):
    help = (
        "Create the first administrator (audited). The password is asked for, or read from "
        "the ADMIN_PASSWORD environment variable."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", required=True)
        parser.add_argument("--organisation", required=True, help="Created as a ministry if new.")
        parser.add_argument("--email", default="")

    def handle(self, *args, username, organisation, email, **options):
        password = os.environ.get("ADMIN_PASSWORD") or getpass.getpass("Password: ")
        if not os.environ.get("ADMIN_PASSWORD") and password != getpass.getpass("Again: "):
            raise CommandError("The passwords differ.")
        org, _ = Organisation.objects.get_or_create(
            name=organisation, defaults={"kind": Organisation.Kind.MINISTRY}
        )
        try:
            password_validation.validate_password(password)
            user = user_create(
                actor=None,
                username=username,
                password=password,
                organisation=org,
                roles=[Role.ADMINISTRATOR],
                email=email,
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stdout.write(self.style.SUCCESS(f"Administrator {user.username} created."))
