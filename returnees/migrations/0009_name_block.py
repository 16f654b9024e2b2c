"""Each name carries its person's sex and date of birth, so that on PostgreSQL the duplicate
check finds the names nearest to a new one inside its block (same sex, date of birth within a
window) from one GiST index, instead of joining every similar name to the people table (a
million people: p95 above a second, down to under 100 ms). The GIN trigram indexes served
only that join and are dropped."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery

from repatriation.migration_sql import postgresql_only

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    "CREATE INDEX IF NOT EXISTS returnee_name_block_gist ON returnees_returneename USING gist "
    "(date_of_birth, sex, search_key gist_trgm_ops, skeleton gist_trgm_ops)",
    "DROP INDEX IF EXISTS returnee_name_skeleton_trgm",
    "DROP INDEX IF EXISTS returnee_name_key_trgm",
]
BACKWARD = [
    "CREATE INDEX IF NOT EXISTS returnee_name_key_trgm ON returnees_returneename "
    "USING gin (search_key gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS returnee_name_skeleton_trgm ON returnees_returneename "
    "USING gin (skeleton gin_trgm_ops)",
    "DROP INDEX IF EXISTS returnee_name_block_gist",
]


def names_fill(apps, schema_editor):
    Returnee = apps.get_model("returnees", "Returnee")
    ReturneeName = apps.get_model("returnees", "ReturneeName")
    person = Returnee.objects.filter(pk=OuterRef("returnee_id"))
    ReturneeName.objects.update(
        sex=Subquery(person.values("sex")[:1]),
        date_of_birth=Subquery(person.values("date_of_birth")[:1]),
    )


class Migration(migrations.Migration):
    dependencies = [("returnees", "0008_backfill_closed_on")]

    operations = [
        migrations.AddField(
            model_name="returneename",
            name="sex",
            field=models.CharField(
                choices=[("F", "Female"), ("M", "Male")], editable=False, max_length=1, null=True
            ),
        ),
        migrations.AddField(
            model_name="returneename",
            name="date_of_birth",
            field=models.DateField(editable=False, null=True),
        ),
        migrations.RunPython(names_fill, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name="returneename",
            name="sex",
            field=models.CharField(
                choices=[("F", "Female"), ("M", "Male")], editable=False, max_length=1
            ),
        ),
        migrations.AlterField(
            model_name="returneename",
            name="date_of_birth",
            field=models.DateField(editable=False),
        ),
        postgresql_only(FORWARD, BACKWARD),
    ]
