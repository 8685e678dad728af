"""The document types every company starts with (editable on /archive/types/)."""

from django.db import migrations

TYPES = [
    # code, name, English name, months kept after move-out, sensitive
    ("PURCHASE", "购房合同", "Purchase contract", 120, False),
    ("LEASE", "租赁合同", "Lease", 36, False),
    ("MOVE_IN", "入住登记表", "Move-in form", 36, False),
    ("ID_COPY", "身份证复印件", "ID copy", 6, True),
    ("NOTICE", "签收的通知", "Signed notice", 24, False),
    ("OTHER", "其他", "Other", 24, False),
]


def add(apps, schema_editor):
    DocumentType = apps.get_model("archive", "DocumentType")
    for position, (code, name, name_en, months, sensitive) in enumerate(TYPES):
        DocumentType.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "retention_months": months,
                "sensitive": sensitive,
                "position": position,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("archive", "0001_initial")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
