"""On PostgreSQL, GiST trigram indexes so that name search returns the nearest names first
(`search_key <->> query`, a k-nearest-neighbour index scan) instead of filtering and sorting."""

from django.db import migrations

from repatriation.migration_sql import postgresql_only

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


class Migration(migrations.Migration):
    dependencies = [("returnees", "0003_name_trigram_index")]

    operations = [postgresql_only(FORWARD, BACKWARD)]
