"""Cases closed before `closed_on` existed get it from their closing timeline event, so the
sealing clock runs for them too."""

from django.db import migrations
from django.db.models import Max, OuterRef, Subquery


def backfill(apps, schema_editor):
    Returnee = apps.get_model("returnees", "Returnee")
    CaseEvent = apps.get_model("returnees", "CaseEvent")
    closing = (
        CaseEvent.objects.filter(returnee=OuterRef("pk"), kind="transition", to_status="closed")
        .values("returnee")
        .annotate(last=Max("occurred_at"))
        .values("last")
    )
    for person in Returnee.objects.filter(status="closed", closed_on__isnull=True).annotate(
        closed_at=Subquery(closing)
    ):
        moment = person.closed_at or person.updated_at
        Returnee.objects.filter(pk=person.pk).update(closed_on=moment.date())


class Migration(migrations.Migration):
    dependencies = [("returnees", "0007_closing_and_sealing")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
