"""The service dimensions and the demo questionnaire ship with every installation."""

import datetime as dt

from django.db import migrations

from wuyedesk.surveys import defaults


def forwards(apps, schema_editor):
    defaults.ensure_demo_questionnaire(
        apps.get_model, published_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    )
    defaults.link_departments(apps.get_model)


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0001_initial"),
        ("properties", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
