"""`manage.py api_client create --organisation ORG --agreement ID [--name N] [--days D]`,
`manage.py api_client revoke --prefix P` and `manage.py api_client list`.

`create` prints the token alone on its last line: it is shown once and stored only hashed."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from repatriation.accounts.models import ApiClient, DataSharingAgreement, Organisation
from repatriation.accounts.services import api_client_create, api_client_revoke


class Command(BaseCommand):
    help = "Create, list or revoke REST API clients."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create")
        create.add_argument("--organisation", required=True, help="name or id")
        create.add_argument("--agreement", required=True, type=int, help="agreement id")
        create.add_argument("--name", default="", help="what the client is for")
        create.add_argument("--days", type=int, default=365, help="days until the token expires")
        revoke = sub.add_parser("revoke")
        revoke.add_argument("--prefix", required=True, help="the token's second part")
        sub.add_parser("list")

    def handle(self, *args, action, **options):
        getattr(self, f"_{action}")(**options)

    def _create(self, *, organisation, agreement, name, days, **options):
        org = (
            Organisation.objects.filter(
                pk=int(organisation) if organisation.isdigit() else None
            ).first()
            or Organisation.objects.filter(name=organisation).first()
        )
        if org is None:
            raise CommandError(f"No organisation {organisation!r}.")
        found = DataSharingAgreement.objects.filter(pk=agreement).first()
        if found is None:
            raise CommandError(f"No data-sharing agreement {agreement}.")
        try:
            client, token = api_client_create(
                actor=None,
                organisation=org,
                agreement=found,
                name=name or f"{org.name} API client",
                days=days,
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(
            f"API client {client.pk} for {org.name}, agreement {found.pk}, "
            f"expires {client.expires_at:%Y-%m-%d}. The token is shown once:"
        )
        self.stdout.write(token)

    def _revoke(self, *, prefix, **options):
        client = ApiClient.objects.filter(token_prefix=prefix).first()
        if client is None:
            raise CommandError(f"No API client with prefix {prefix!r}.")
        api_client_revoke(actor=None, client=client)
        self.stdout.write(f"Revoked API client {client.pk}.")

    def _list(self, **options):
        for client in ApiClient.objects.select_related("organisation"):
            state = "revoked" if client.revoked_at else f"expires {client.expires_at:%Y-%m-%d}"
            self.stdout.write(
                f"{client.token_prefix}  {client.organisation.name}  agreement "
                f"{client.agreement_id}  {state}"
            )
