"""On PostgreSQL, trigram indexes on the name keys so that fuzzy name search uses an index."""

from django.db import migrations

from repatriation.migration_sql import postgresql_only

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


class Migration(migrations.Migration):
    dependencies = [("returnees", "0002_registry_records")]

    operations = [postgresql_only(FORWARD, BACKWARD)]
