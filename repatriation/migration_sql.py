"""Raw SQL that only PostgreSQL runs (triggers, trigram indexes), as a migration operation."""

from django.db import migrations


def postgresql_only(forward: list[str], backward: list[str]) -> migrations.RunPython:
    """Run `forward` on PostgreSQL when migrating, `backward` when reversing; nothing on others.

    Statements go to the database as they are (no parameter substitution, so `%` is literal).
    """

    def run(statements):
        def operation(apps, schema_editor):
            if schema_editor.connection.vendor == "postgresql":
                for statement in statements:
                    schema_editor.execute(statement, params=None)

        return operation

    return migrations.RunPython(run(forward), run(backward), elidable=False)
