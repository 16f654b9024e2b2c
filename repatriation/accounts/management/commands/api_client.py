"""`manage.py api_client create --organisation ORG --agreement ID [--name N] [--days D]`,
`manage.py api_client create --organisation ORG --full-scope [--allowed-address CIDR ...]`
(a ministry integration client), `manage.py api_client revoke --prefix P` and
`manage.py api_client list`.

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
        scope = create.add_mutually_exclusive_group(required=True)
        scope.add_argument("--agreement", type=int, help="the data-sharing agreement's id")
        scope.add_argument(
            "--full-scope",
            action="store_true",
            help="a ministry integration client: every person and field group",
        )
        create.add_argument(
            "--allowed-address",
            action="append",
            default=[],
            dest="allowed_addresses",
            help="full scope only: an IP address or CIDR network the client calls from "
            "(repeat for more; none allows any)",
        )
        create.add_argument("--name", default="", help="what the client is for")
        create.add_argument("--days", type=int, default=365, help="days until the token expires")
        revoke = sub.add_parser("revoke")
        revoke.add_argument("--prefix", required=True, help="the token's second part")
        sub.add_parser("list")

    def handle(self, *args, action, **options):
        getattr(self, f"_{action}")(**options)

    def _create(
        self, *, organisation, agreement, full_scope, allowed_addresses, name, days, **options
    ):
        org = (
            Organisation.objects.filter(
                pk=int(organisation) if organisation.isdigit() else None
            ).first()
            or Organisation.objects.filter(name=organisation).first()
        )
        if org is None:
            raise CommandError(f"No organisation {organisation!r}.")
        found = None
        if not full_scope:
            found = DataSharingAgreement.objects.filter(pk=agreement).first()
            if found is None:
                raise CommandError(f"No data-sharing agreement {agreement}.")
        elif allowed_addresses is None:
            allowed_addresses = []
        try:
            client, token = api_client_create(
                actor=None,
                organisation=org,
                agreement=found,
                name=name or f"{org.name} API client",
                days=days,
                allowed_addresses=allowed_addresses,
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        scope = f"agreement {found.pk}" if found else "full scope"
        self.stdout.write(
            f"API client {client.pk} for {org.name}, {scope}, "
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
            scope = f"agreement {client.agreement_id}" if client.agreement_id else "full scope"
            self.stdout.write(
                f"{client.token_prefix}  {client.organisation.name}  {scope}  {state}"
            )
