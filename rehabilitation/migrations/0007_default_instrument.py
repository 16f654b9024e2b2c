"""The programme's standard progress instrument, so that ratings can start on day one.
Administrators may change its domains or add instruments in the admin."""

from django.db import migrations

DOMAINS = [
    {"code": "wellbeing", "label": "Emotional wellbeing"},
    {"code": "social", "label": "Social relations"},
    {"code": "family", "label": "Family relations"},
    {"code": "learning", "label": "Learning and work"},
    {"code": "beliefs", "label": "Understanding of religion"},
    {"code": "trust", "label": "Trust in institutions"},
]


def add_instrument(apps, schema_editor):
    Instrument = apps.get_model("rehabilitation", "AssessmentInstrument")
    Instrument.objects.get_or_create(
        code="rehabilitation-progress",
        defaults={
            "name": "Rehabilitation progress",
            "domains": DOMAINS,
            "score_min": 1,
            "score_max": 5,
            "interval_days": 90,
        },
    )


class Migration(migrations.Migration):
    dependencies = [("rehabilitation", "0006_progress_legal_reintegration_sealing")]

    operations = [migrations.RunPython(add_instrument, migrations.RunPython.noop)]
