"""On PostgreSQL, GiST trigram indexes so that name search returns the nearest names first
(`search_key <->> query`, a k-nearest-neighbour index scan) instead of filtering and sorting."""

from django.db import migrations

FORWARD = [
    "CREATE INDEX IF NOT EXISTS returnee_name_key_gist ON returnees_returneename "
    "USING gist (search_key gist_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS returnee_name_skeleton_gist ON returnees_returneename "
    "USING gist (skeleton gist_trgm_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS returnee_name_skeleton_gist",
    "DROP INDEX IF EXISTS returnee_name_key_gist",
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
    dependencies = [("returnees", "0003_name_trigram_index")]

    operations = [migrations.RunPython(forward, backward)]
