from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0003_related_tickets_and_channel_events"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                condition=models.Q(
                    ("closed_at__isnull", True), ("manager_acknowledged_at__isnull", True)
                ),
                fields=["severity", "-id"],
                name="ticket_unacked_idx",
            ),
        ),
    ]
