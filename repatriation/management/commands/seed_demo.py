from django.core.management.base import BaseCommand, CommandError

from repatriation.demo import DEMO_PASSWORD, demo_seed


class Command(BaseCommand):
    help = "Load deterministic demo data and one demo user per role. Safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument("--returnees", type=int, default=600, help="People to generate.")
        parser.add_argument("--seed", type=int, default=2019, help="Random seed.")

    def handle(self, *args, returnees: int, seed: int, **options):
        if returnees < 0:
            raise CommandError("--returnees must be zero or more.")
        result = demo_seed(returnees=returnees, seed=seed)
        if result.skipped_people:
            self.stdout.write("People already present: none added.")
        else:
            self.stdout.write(f"Created {result.created_people} people.")
        self.stdout.write(f"Demo logins (password {DEMO_PASSWORD}): {', '.join(result.users)}")
