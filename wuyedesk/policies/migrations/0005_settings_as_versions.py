"""Each settings row saved before issue #14 becomes a version of the customer-service
regulation: the newest in force, the older ones superseded, each effective from when it
was saved (so policy_at() answers for past events as before)."""

from django.db import migrations

NUMBER = "KF-ZD-001"
TITLE = "客户服务管理制度"


def forward(apps, schema_editor):
    PolicySettings = apps.get_model("policies", "PolicySettings")
    PolicyDocument = apps.get_model("policies", "PolicyDocument")
    PolicyVersion = apps.get_model("policies", "PolicyVersion")
    PolicyStep = apps.get_model("policies", "PolicyStep")
    rows = list(PolicySettings.objects.order_by("id"))
    if not rows:
        return
    document = PolicyDocument.objects.create(number=NUMBER, title=TITLE, carries_settings=True)
    for n, row in enumerate(rows, start=1):
        status = "in_force" if n == len(rows) else "superseded"
        version = PolicyVersion.objects.create(
            document=document,
            number=n,
            status=status,
            summary=row.note,
            effective_at=row.created_at,
            in_force_at=row.created_at,
            approved_at=row.created_at,
            approved_by_id=row.created_by_id,
            created_by_id=row.created_by_id,
            settings=row,
        )
        PolicyStep.objects.create(
            version=version,
            at=row.created_at,
            by_id=row.created_by_id,
            from_status="",
            to_status="in_force",
            comment=row.note,
        )


class Migration(migrations.Migration):
    dependencies = [("policies", "0004_documents")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
