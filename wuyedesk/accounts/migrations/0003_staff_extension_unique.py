"""An extension belongs to one active colleague (issue #12 point 9), so a call's screen pop
reaches one person. The staff page did not check it before: where two active colleagues
share one, the one who had it first (lowest id) keeps it and the others' is cleared, each
named in the migration's output so that an administrator can give them a new one."""

from django.db import migrations, models


def clear_duplicates(apps, schema_editor):
    Staff = apps.get_model("accounts", "Staff")
    seen = set()
    rows = (
        Staff.objects.filter(archived_at__isnull=True)
        .exclude(extension="")
        .order_by("id")
        .values_list("id", "employee_no", "extension")
    )
    for pk, employee_no, extension in rows:
        if extension in seen:
            Staff.objects.filter(pk=pk).update(extension="")
            print(f"\n  staff {employee_no}: extension {extension} was shared; cleared")
        seen.add(extension)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_initial"),
        ("properties", "0002_company_security_settings"),
    ]

    operations = [
        migrations.RunPython(clear_duplicates, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="staff",
            constraint=models.UniqueConstraint(
                condition=models.Q(
                    models.Q(("extension", ""), _negated=True), ("archived_at__isnull", True)
                ),
                fields=("extension",),
                name="staff_extension_unique_active",
                violation_error_message="该分机号已有其他员工使用。",
            ),
        ),
    ]
