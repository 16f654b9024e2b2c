"""On PostgreSQL, trigram indexes on the name keys so that fuzzy name search uses an index."""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS returnee_name_key_trgm ON returnees_returneename "
    "USING gin (search_key gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS returnee_name_skeleton_trgm ON returnees_returneename "
    "USING gin (skeleton gin_trgm_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS returnee_name_skeleton_trgm",
    "DROP INDEX IF EXISTS returnee_name_key_trgm",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("returnees", "0002_registry_records")]

    operations = [migrations.RunPython(forward, backward)]
